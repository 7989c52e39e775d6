using System.Diagnostics;
using System.Globalization;

namespace Workstation.Portal.Hosting;

/// <summary>The W3C <c>Server-Timing</c> header on the answers to other systems (<c>/api</c>, <c>/cds-services</c>,
/// <c>/fhir</c>): how long the portal took (<c>app</c>), and of that the check of a client JWT (<c>auth</c>), the
/// recognition platform's call (<c>platform</c>) and the wait for the durable commit (<c>store</c>), in milliseconds. An
/// integrator whose order check was slow sees at once whether the platform or the portal took the time; the benchmark
/// reads the same figures.
/// <para>Code on the request's path adds a phase with <see cref="Measure"/>; outside a timed request it does nothing.</para></summary>
public static class ServerTiming
{
    public const string Header = "Server-Timing";
    public const string Auth = "auth";
    public const string Platform = "platform";
    public const string Store = "store";
    public const string App = "app";

    private static readonly AsyncLocal<Phases?> Current = new();

    /// <summary>A call from another system (HIS, LIS, an EHR, an exporter), not a page or a staff action: the HIS API,
    /// CDS Hooks and FHIR.</summary>
    internal static bool IsOtherSystemsCall(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/cds-services") || path.StartsWithSegments("/fhir");

    /// <summary>Adds the time from now until the returned value is disposed to <paramref name="phase"/> of the request
    /// being timed (phases measured more than once add up).</summary>
    public static Scope Measure(string phase) => new(Current.Value, phase, Stopwatch.GetTimestamp());

    /// <summary>Times the requests of other systems and writes the header when the answer starts.</summary>
    public static IApplicationBuilder UseServerTiming(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        if (!IsOtherSystemsCall(context.Request.Path)) return next(context);
        var phases = new Phases(Stopwatch.GetTimestamp());
        Current.Value = phases;
        context.Response.OnStarting(static state =>
        {
            var (response, phases) = ((HttpResponse, Phases))state;
            response.Headers[Header] = phases.Format();
            return Task.CompletedTask;
        }, (context.Response, phases));
        return next(context);
    });

    public readonly struct Scope(Phases? phases, string phase, long started) : IDisposable
    {
        public void Dispose() => phases?.Add(phase, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One request's phases. Phases of one request may end on different threads, one after another.</summary>
    public sealed class Phases(long started)
    {
        private readonly Lock _lock = new();
        private readonly List<(string Name, TimeSpan Elapsed)> _phases = [];

        internal void Add(string name, TimeSpan elapsed)
        {
            lock (_lock)
            {
                var i = _phases.FindIndex(p => p.Name == name);
                if (i < 0) _phases.Add((name, elapsed));
                else _phases[i] = (name, _phases[i].Elapsed + elapsed);
            }
        }

        internal string Format()
        {
            var total = Stopwatch.GetElapsedTime(started);
            lock (_lock)
            {
                return string.Join(", ", _phases.Append((Name: App, Elapsed: total))
                    .Select(p => $"{p.Name};dur={p.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)}"));
            }
        }
    }
}
