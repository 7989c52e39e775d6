using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Workstation.IntegrationTests.Portal;

/// <summary>Every Serilog event the portal writes, rendered with its properties.</summary>
public sealed class CapturedLog : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        logEvent.RenderMessage(writer, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in logEvent.Properties) writer.Write($" | {name}={value}");
        if (logEvent.Exception is not null) writer.Write(" | " + logEvent.Exception);
        _lines.Enqueue(writer.ToString());
    }
}
