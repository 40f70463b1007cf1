using BenchmarkDotNet.Running;
using Pipeline.Bench;
using Pipeline.Bench.Kernels;
using Pipeline.Bench.Runs;

// pipeline-bench: issue #10's benchmarks. See docs/performance.md.
//   kernels [BenchmarkDotNet args]   hot kernels with BenchmarkDotNet (MemoryDiagnoser), in-memory generated inputs
//   runs --cases 10000,100000 ...     whole runs, each in a fresh child process, beside DuckDB; a markdown table
//   measure <request JSON>            (hidden) one measured run in this process; the parent of `runs` calls it
if (args.Length > 0 && args[0] == "kernels")
{
    BenchmarkSwitcher.FromAssembly(typeof(KernelInputs).Assembly).Run(args[1..], KernelConfig.Create());
    return 0;
}

if (args.Length > 0 && args[0] == MeasureCommand.Name)
{
    return await MeasureCommand.RunAsync(args[1..]);
}

return await RunsCommand.ParseAndRunAsync(args);
