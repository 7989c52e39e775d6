namespace Workstation.Platform.Contract;

/// <summary>The one response envelope of the recognition platform: <c>code</c> 0 means success.</summary>
/// <param name="Code">0 on success; a platform error code otherwise (see docs/platform-contract.md).</param>
/// <param name="Message">Human-readable message, Chinese on the real platform.</param>
/// <param name="Data">The payload; null on error.</param>
public sealed record PlatformEnvelope<T>(int Code, string? Message, T? Data);

/// <summary>Platform error codes used in <see cref="PlatformEnvelope{T}.Code"/>.</summary>
public static class PlatformCodes
{
    public const int Success = 0;
    public const int InvalidRequest = 4000;
    public const int Unauthorized = 4010;
    public const int NotFound = 4040;
    public const int Conflict = 4090;
    public const int ServerError = 5000;
}
