using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Workstation.Portal.BloodUse;

/// <summary>Client passwords are configured only as PBKDF2-HMAC-SHA256 hashes:
/// <c>pbkdf2-sha256$iterations$salt(base64)$hash(base64)</c> (tools/blood-use-password.py writes one).</summary>
internal static class BloodUsePasswordHash
{
    private const string Prefix = "pbkdf2-sha256";

    public static string Create(string password, int iterations = 100_000)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Prefix, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool IsWellFormed(string? encoded) => Parse(encoded) is not null;

    /// <summary>Constant-time comparison of the derived key.</summary>
    public static bool Verify(string encoded, string password)
    {
        if (Parse(encoded) is not var (iterations, salt, expected)) return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static (int Iterations, byte[] Salt, byte[] Hash)? Parse(string? encoded)
    {
        var parts = encoded?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != Prefix) return null;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < 10_000 or > 10_000_000) return null;
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return salt.Length >= 8 && hash.Length >= 16 ? (iterations, salt, hash) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
