namespace Workstation.Platform;

/// <summary>Why a platform call failed, in the terms the portal acts on.</summary>
public enum PlatformFailure
{
    /// <summary>Network error, 5xx, outage, or circuit open: the platform could not be asked.</summary>
    Unavailable,
    /// <summary>The time budget ran out.</summary>
    Timeout,
    /// <summary>The platform refused our credentials even after a fresh token.</summary>
    Unauthorized,
    /// <summary>The platform rejected the request (4xx or a non-zero envelope code).</summary>
    Rejected,
    /// <summary>The platform answered something that is not the contract (HTML, broken JSON).</summary>
    Malformed,
}

/// <summary>A platform call failed; <see cref="Failure"/> says how, the message says why in plain words.</summary>
public sealed class PlatformException(PlatformFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public PlatformFailure Failure { get; } = failure;

    /// <summary>What the platform itself said (its code and message, verbatim) when it answered with a refusal; null when
    /// it said nothing (a timeout, a network error, an HTML page).</summary>
    public string? PlatformWords { get; init; }

    /// <summary>The HTTP status the platform answered with, when it answered.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>True when the caller should treat the result as "not checked" rather than as an answer.</summary>
    public bool IsTransient => Failure is PlatformFailure.Unavailable or PlatformFailure.Timeout or PlatformFailure.Malformed;
}
