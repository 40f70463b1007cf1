using System.Text.Json;
using Pipeline.Core.Dictionary;

namespace Pipeline.Readers.Tests.Support;

/// <summary>
/// A dictionary as indented JSON, for comparing two models with a readable diff. Normalised: the version (the text file
/// says "CSPro 7.0", the JSON one 8.0 for the same dictionary), and settings that mean nothing for an item: ZeroFill of
/// alpha items, DecimalChar of items without decimals.
/// </summary>
public static class DictionaryCanon
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static string Of(DataDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var normal = dictionary with
        {
            Version = string.Empty,
            Levels = dictionary.Levels.Select(l => l with
            {
                IdItems = l.IdItems.Select(Item).ToList(),
                Records = l.Records.Select(r => r with { Items = r.Items.Select(Item).ToList() }).ToList(),
            }).ToList(),
        };
        return JsonSerializer.Serialize(normal, Options);
    }

    private static DictionaryItem Item(DictionaryItem item) => item with
    {
        ZeroFill = item.DataType == ItemDataType.Numeric && item.ZeroFill,
        DecimalChar = item.Decimals > 0 && item.DecimalChar,
    };
}
