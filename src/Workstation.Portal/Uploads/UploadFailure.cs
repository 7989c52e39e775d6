using Workstation.Platform;

namespace Workstation.Portal.Uploads;

/// <summary>Why an upload message has not gone through, as the outbox keeps it (<c>LastError</c>) and the console shows
/// it: the kind of failure, the HTTP status when the platform answered, and the text, which is the platform's own words,
/// verbatim, when the platform refused (<see cref="FromPlatform"/>) and a technical note for the log otherwise.</summary>
public sealed record UploadFailure(string Kind, int? HttpStatus, string Text)
{
    /// <summary>A refusal whose reason is stored (a missing report, an unknown message type): not the platform's words.</summary>
    public const string Internal = "Internal";

    /// <summary>The platform refused without saying why (a 4xx without its envelope).</summary>
    public const string RejectedSilently = "RejectedSilently";

    private const char Separator = '|';

    /// <summary>The text is what the platform said, to be shown verbatim.</summary>
    public bool FromPlatform => Kind == nameof(PlatformFailure.Rejected);

    public static string Encode(PlatformException ex) => Encode(ex is { Failure: PlatformFailure.Rejected, PlatformWords: { } words }
        ? new UploadFailure(nameof(PlatformFailure.Rejected), ex.HttpStatus, words)
        : new UploadFailure(ex.Failure == PlatformFailure.Rejected ? RejectedSilently : ex.Failure.ToString(), ex.HttpStatus, ex.Message));

    public static string Encode(UploadFailure failure) => $"{failure.Kind}{Separator}{failure.HttpStatus}{Separator}{failure.Text}";

    /// <summary>Reads what <see cref="Encode(UploadFailure)"/> stored; anything else (an older row, an exception text)
    /// becomes an <see cref="Internal"/> failure with the whole text.</summary>
    public static UploadFailure? Decode(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return null;
        var parts = stored.Split(Separator, 3);
        if (parts.Length == 3 && (Enum.TryParse<PlatformFailure>(parts[0], out _) || parts[0] is Internal or RejectedSilently)
            && (parts[1].Length == 0 || int.TryParse(parts[1], out _)))
            return new UploadFailure(parts[0], parts[1].Length == 0 ? null : int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2]);
        return new UploadFailure(Internal, null, stored);
    }
}
