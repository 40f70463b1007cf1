namespace Pipeline.Core.Dictionary;

/// <summary>How both dictionary readers turn an item's capture type and date format into <see cref="DictionaryItem.CaptureDateFormat"/>.</summary>
internal static class DateCapture
{
    /// <summary>
    /// The item's date format when <paramref name="captureType"/> is <c>Date</c> (any case; a legacy <c>Date,YYYYMMDD</c>
    /// carries the format after the comma), else null. Follows CSPro's <c>CaptureInfo::MakeValid</c>: an item that cannot
    /// be a date has none, and a format that is missing, unknown or of another length than the item is the default.
    /// </summary>
    public static string? FormatOf(DictionaryItem item, string? captureType, string? format)
    {
        var parts = (captureType ?? string.Empty).Split(',', 2, StringSplitOptions.TrimEntries);
        if (!string.Equals(parts[0], "Date", StringComparison.OrdinalIgnoreCase) || !DateFormat.IsPossibleFor(item))
        {
            return null;
        }

        var parsed = DateFormat.Parse(format ?? (parts.Length > 1 ? parts[1] : null));
        return parsed is not null && parsed.Length == item.Length ? parsed.Text : DateFormat.DefaultFor(item.Length);
    }
}
