using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace Pipeline.Bench.Kernels;

/// <summary>The kernels' BenchmarkDotNet configuration: the defaults plus allocations per operation.</summary>
internal static class KernelConfig
{
    public static IConfig Create() => DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
}
