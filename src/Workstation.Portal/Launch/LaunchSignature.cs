using System.Security.Cryptography;
using System.Text;

namespace Workstation.Portal.Launch;

/// <summary>HMAC-SHA256 signature of launch URL parameters, shared by the portal and HIS (see docs/embedding.md).
/// Canonical form: every parameter except <c>sig</c>, sorted by name (ordinal), as
/// <c>EscapeDataString(name)=EscapeDataString(value)</c> joined with <c>&amp;</c>; the signature is lowercase hex.</summary>
internal static class LaunchSignature
{
    public const string SignatureParameter = "sig";

    public static string Canonical(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .Where(p => p.Key != SignatureParameter)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    public static string Sign(IEnumerable<KeyValuePair<string, string>> parameters, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Canonical(parameters))));

    public static bool Verify(IEnumerable<KeyValuePair<string, string>> parameters, string signature, string secret)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(parameters, secret));
        var actual = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Builds a complete signed launch URL (used by the demo HIS and the tests; HIS vendors port this).</summary>
    public static string BuildUrl(Uri portal, string clientId, string secret, LaunchRequest request, DateTimeOffset now, string nonce)
    {
        var parameters = new Dictionary<string, string>
        {
            ["client"] = clientId,
            ["doctor"] = request.DoctorId,
            ["doctorName"] = request.DoctorName,
            ["dept"] = request.DepartmentCode,
            ["deptName"] = request.DepartmentName,
            ["patient"] = request.PatientId,
            ["idType"] = request.IdType,
            ["idNumber"] = request.IdNumber,
            ["name"] = request.PatientName,
            ["encounter"] = request.EncounterId,
            ["setting"] = request.Setting,
            ["ts"] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["nonce"] = nonce,
        };
        var sig = Sign(parameters, secret);
        return new Uri(portal, "launch").ToString() + "?" + Canonical(parameters) + "&sig=" + sig;
    }

    /// <summary>Reads a launch request from signed URL parameters.</summary>
    public static LaunchRequest ToRequest(IReadOnlyDictionary<string, string> p) => new()
    {
        DoctorId = p.GetValueOrDefault("doctor", ""),
        DoctorName = p.GetValueOrDefault("doctorName", ""),
        DepartmentCode = p.GetValueOrDefault("dept", ""),
        DepartmentName = p.GetValueOrDefault("deptName", ""),
        PatientId = p.GetValueOrDefault("patient", ""),
        IdType = p.GetValueOrDefault("idType", ""),
        IdNumber = p.GetValueOrDefault("idNumber", ""),
        PatientName = p.GetValueOrDefault("name", ""),
        EncounterId = p.GetValueOrDefault("encounter", ""),
        Setting = p.GetValueOrDefault("setting", ""),
    };
}
