using Microsoft.Extensions.Options;

namespace Pipeline.Core.Readers;

// Generated from the options' attributes: a host that binds reader options registers these with ValidateOnStart, and
// a bad limit fails at start-up naming the setting instead of being clamped on the first upload.

/// <summary>Start-up validation of <see cref="CsproDbReaderOptions"/>.</summary>
[OptionsValidator]
public sealed partial class ValidateCsproDbReaderOptions : IValidateOptions<CsproDbReaderOptions>;

/// <summary>Start-up validation of <see cref="CsproTextDataReaderOptions"/>.</summary>
[OptionsValidator]
public sealed partial class ValidateCsproTextDataReaderOptions : IValidateOptions<CsproTextDataReaderOptions>;

/// <summary>Start-up validation of <see cref="ZipBundleOptions"/>.</summary>
[OptionsValidator]
public sealed partial class ValidateZipBundleOptions : IValidateOptions<ZipBundleOptions>;

/// <summary>Start-up validation of <see cref="DelimitedExportReaderOptions"/>.</summary>
[OptionsValidator]
public sealed partial class ValidateDelimitedExportReaderOptions : IValidateOptions<DelimitedExportReaderOptions>;

/// <summary>Start-up validation of <see cref="ExcelExportReaderOptions"/>.</summary>
[OptionsValidator]
public sealed partial class ValidateExcelExportReaderOptions : IValidateOptions<ExcelExportReaderOptions>;

/// <summary>Start-up validation of <see cref="ReaderOptions"/> and every reader's section in it.</summary>
[OptionsValidator]
public sealed partial class ValidateReaderOptions : IValidateOptions<ReaderOptions>;
