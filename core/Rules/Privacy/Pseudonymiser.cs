using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Core.Privacy;

/// <summary>Configuration section <c>Pseudonymisation</c> (app setting <c>Pseudonymisation__Key</c>).</summary>
public sealed class PseudonymisationOptions
{
    public const string SectionName = "Pseudonymisation";

    /// <summary>
    /// The HMAC key, at least 32 characters. No default: the app refuses to start without one (in Azure it comes from
    /// Key Vault). Changing it changes every pseudonym, so surveyor ids no longer match older uploads.
    /// </summary>
    [Required]
    [MinLength(32)]
    public string Key { get; set; } = string.Empty;
}

/// <summary>
/// Replaces personal values by keyed pseudonyms: HMAC-SHA256 of the normalised value (trimmed, spaces collapsed, upper
/// case), shown as "P-" and 16 hex digits. The same person gets the same pseudonym in every upload while the key is kept;
/// without the key the value cannot be recovered or confirmed by guessing.
/// </summary>
public sealed class Pseudonymiser
{
    /// <summary>Distinct values remembered (surveyors, supervisors: a few dozen per survey); beyond it, computed each time.</summary>
    private const int CacheLimit = 10_000;
    private readonly byte[] _key;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    public Pseudonymiser(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length < 32)
        {
            throw new ArgumentException("The pseudonymisation key must have at least 32 characters.", nameof(key));
        }

        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>The pseudonym of <paramref name="value"/>. Cached per distinct value: ingest asks for the same few names on every row.</summary>
    public string Pseudonym(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_cache.TryGetValue(value, out var known))
        {
            return known;
        }

        var pseudonym = Compute(value);
        if (_cache.Count < CacheLimit)
        {
            _cache.TryAdd(value, pseudonym);
        }

        return pseudonym;
    }

    private string Compute(string value)
    {
        var normalised = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(normalised));
        return "P-" + Convert.ToHexStringLower(mac.AsSpan(0, 8));
    }
}
