using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Workstation.Portal.Localization;

/// <summary>The hospital's time (section <c>Localization</c>).</summary>
internal sealed class LocalTimeOptions
{
    public const string Section = "Localization";

    /// <summary>The hospital's offset from UTC (China: +08:00, no daylight saving). Every time a person reads is shown in
    /// it, whatever the server's own time zone (servers and containers usually run on UTC), and local days (filters,
    /// weeks, months) follow it.</summary>
    [Range(typeof(TimeSpan), "-14:00:00", "14:00:00")]
    public TimeSpan UtcOffset { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>Turns stored UTC times into the hospital's local time for people to read: the same clock as the report PDFs.
/// A <see cref="DateTime"/> of unspecified kind (as EF Core reads it) is taken as UTC.</summary>
internal sealed class LocalTime(IOptions<LocalTimeOptions> options)
{
    public TimeSpan Offset => options.Value.UtcOffset;

    public DateTime ToLocal(DateTime utc) => DateTime.SpecifyKind((utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime() : utc) + Offset, DateTimeKind.Unspecified);

    /// <summary><paramref name="utc"/> in local time, or "—" when there is none.</summary>
    public string Format(DateTime? utc, string format) => utc is { } t ? ToLocal(t).ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary><paramref name="at"/> in local time, or "—" when there is none.</summary>
    public string Format(DateTimeOffset? at, string format) => at is { } t ? t.ToOffset(Offset).ToString(format, CultureInfo.InvariantCulture) : "—";

    /// <summary>The UTC instant at which the local <paramref name="day"/> begins.</summary>
    public DateTime StartOfDayUtc(DateTime day) => DateTime.SpecifyKind(day.Date - Offset, DateTimeKind.Utc);
}
