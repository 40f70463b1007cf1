namespace Pipeline.Core.Packs;

/// <summary>One stratum of the sample design: the codes of the stratum items that select it, its universe N_h and planned n_h.</summary>
public sealed record Stratum(string Id, string Label, IReadOnlyDictionary<string, long> Codes, long Universe, long PlannedSample);
