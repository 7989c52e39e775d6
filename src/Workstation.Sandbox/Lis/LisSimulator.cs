using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Platform;

namespace Workstation.Sandbox.Lis;

/// <summary>How a clinician handled a critical value, as the portal reports it back (closed loop, seed 002).</summary>
public sealed record CriticalValueHandling(
    string MessageId,
    string AlertId,
    string SourceEventId,
    string DoctorCode,
    string DoctorName,
    DateTime AcknowledgedAt,
    DateTime? HandledAt,
    string? HandlingNote);

/// <summary>State of the LIS/PACS simulator: the handlings it received, once per message id.</summary>
public sealed class LisState
{
    private readonly ConcurrentDictionary<string, CriticalValueHandling> _handlings = new();
    private int _deliveries;

    /// <summary>Share of deliveries refused with 503, to test the portal's outbox.</summary>
    public double FailureRate { get; set; }

    /// <summary>The next N deliveries are refused with 503 (deterministic failures for tests).</summary>
    public int FailNextDeliveries
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    private int _failNext;

    /// <summary>Consumes one scheduled failure; true while some are left.</summary>
    public bool TakeScheduledFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref _failNext);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref _failNext, left - 1, left) == left) return true;
        }
    }

    public int Deliveries => _deliveries;

    public IReadOnlyCollection<CriticalValueHandling> Handlings => _handlings.Values.OrderBy(h => h.AcknowledgedAt).ToList();

    /// <summary>Stores a handling; a repeated message id is accepted and ignored (idempotent receiver).</summary>
    public bool Receive(CriticalValueHandling handling)
    {
        Interlocked.Increment(ref _deliveries);
        return _handlings.TryAdd(handling.MessageId, handling);
    }
}

/// <summary>The LIS/PACS end of alerts and uploads: receives critical-value handling and shows it.</summary>
public static class LisSimulator
{
    public static void Map(WebApplication app, LisState state)
    {
        app.MapPost("/lis/api/critical-values/handling", (CriticalValueHandling handling) =>
        {
            if (string.IsNullOrWhiteSpace(handling.MessageId) || string.IsNullOrWhiteSpace(handling.AlertId))
                return Results.Problem("messageId and alertId are required", statusCode: StatusCodes.Status400BadRequest);
            if (state.TakeScheduledFailure() || (state.FailureRate > 0 && Random.Shared.NextDouble() < state.FailureRate))
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            var added = state.Receive(handling);
            return Results.Json(new { accepted = true, duplicate = !added }, PlatformServiceCollectionExtensions.Json);
        });
        app.MapGet("/lis/api/critical-values/handling", () => Results.Json(state.Handlings, PlatformServiceCollectionExtensions.Json));
        app.MapGet("/", () =>
        {
            var rows = string.Concat(state.Handlings.Select(h =>
                $"<tr><td>{WebUtility.HtmlEncode(h.AlertId)}</td><td>{WebUtility.HtmlEncode(h.DoctorName)}</td><td>{h.AcknowledgedAt:yyyy-MM-dd HH:mm:ss}</td><td>{WebUtility.HtmlEncode(h.HandlingNote ?? "")}</td></tr>"));
            return Results.Content(
                $"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>LIS 危急值处理回传</title><body style='font-family:sans-serif'><h1>LIS/PACS 模拟器 · 危急值处理回传</h1><table border=1><tr><th>危急值</th><th>处理医生</th><th>确认时间</th><th>处理意见</th></tr>{rows}</table></body></html>",
                "text/html; charset=utf-8", Encoding.UTF8);
        });
    }
}
