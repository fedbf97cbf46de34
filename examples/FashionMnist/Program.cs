return MiniNet.Examples.FashionMnist.FashionMnistExample.Run(args, Console.Out);
