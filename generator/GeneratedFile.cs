namespace Pipeline.Generator;

/// <summary>A file the generator wrote: where, in which format, how big, and the record lines or rows it holds.</summary>
public sealed record GeneratedFile(string Path, ExportFormats Format, long Bytes, long Rows, string? Record);
