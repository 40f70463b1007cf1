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
    private readonly byte[] _key;

    public Pseudonymiser(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length < 32)
        {
            throw new ArgumentException("The pseudonymisation key must have at least 32 characters.", nameof(key));
        }

        _key = Encoding.UTF8.GetBytes(key);
    }

    public string Pseudonym(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalised = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(normalised));
        return "P-" + Convert.ToHexStringLower(mac.AsSpan(0, 8));
    }
}
