using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace Workstation.Portal.BloodUse;

/// <summary>Seed 001 puts the password, the token and the patient's ID number in the query string. Whatever logs a
/// URL (ASP.NET Core's request start/finish lines at Information, HttpClient, a proxy message) goes through this
/// enricher, which replaces those parameter values with <c>***</c> before any sink sees the event.</summary>
internal sealed partial class QueryStringRedaction : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && NeedsRedaction(text))
                (changed ??= []).Add(new LogEventProperty(name, new ScalarValue(Redact(text))));
        }
        foreach (var property in changed ?? []) logEvent.AddOrUpdateProperty(property);
    }

    public static bool NeedsRedaction(string text) =>
        text.Contains("token=", StringComparison.OrdinalIgnoreCase) || text.Contains("password=", StringComparison.OrdinalIgnoreCase)
        || text.Contains("identityNumber=", StringComparison.OrdinalIgnoreCase);

    public static string Redact(string text) => Sensitive().Replace(text, "$1=***");

    [GeneratedRegex("(token|password|identityNumber)=[^&\\s\"']*", RegexOptions.IgnoreCase)]
    private static partial Regex Sensitive();
}
