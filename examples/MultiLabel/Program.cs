return MiniNet.Examples.MultiLabel.MultiLabelExample.Run(args, Console.Out);
