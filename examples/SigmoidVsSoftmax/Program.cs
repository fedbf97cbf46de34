return MiniNet.Examples.SigmoidVsSoftmax.SigmoidVsSoftmaxExample.Run(args, Console.Out);
