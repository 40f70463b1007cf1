using Pipeline.Generator.Faults;

namespace Pipeline.Generator;

/// <summary>
/// What a run wrote: the files, the cases per stratum, the records per record type, the faults per kind, and the path of
/// <c>faults.csv</c> (empty when no fault was asked for: then no <c>faults.csv</c> is written); with
/// <see cref="GeneratorOptions.ScaleUniverses"/> and a sample larger than the universes, the factor they were multiplied
/// by and the folder of the pack copy with those universes (else 1 and empty).
/// </summary>
public sealed record GeneratorResult(
    long Cases,
    IReadOnlyList<GeneratedFile> Files,
    IReadOnlyDictionary<string, long> CasesByStratum,
    IReadOnlyDictionary<string, long> RecordsByRecord,
    IReadOnlyDictionary<FaultKind, long> FaultsByKind,
    string FaultManifestPath,
    long UniverseFactor = 1,
    string ScaledPackFolder = "");
