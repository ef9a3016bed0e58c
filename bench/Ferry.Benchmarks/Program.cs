using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Ferry.Benchmarks.TemplateBenchmarks).Assembly).Run(args);
