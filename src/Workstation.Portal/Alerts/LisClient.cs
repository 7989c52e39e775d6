using Refit;

namespace Workstation.Portal.Alerts;

/// <summary>The LIS/PACS endpoint that takes critical-value handling back (Refit source-generated client).</summary>
internal interface ILisApi
{
    [Post("/lis/api/critical-values/handling")]
    Task PostHandlingAsync([Body] LisHandling handling, CancellationToken cancellationToken);
}

/// <summary>Delivers critical-value handling back to LIS/PACS from the shared outbox; LIS de-duplicates by message id.</summary>
internal sealed class LisHandlingSender(ILisApi lis, TimeProvider time) : Outbox.IOutboxSender
{
    /// <summary>The outbox destination of handlings for LIS/PACS.</summary>
    public const string Destination = "lis";

    string Outbox.IOutboxSender.Destination => Destination;

    public async Task<Outbox.OutboxOutcome> SendAsync(Outbox.OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await lis.PostHandlingAsync(System.Text.Json.JsonSerializer.Deserialize<LisHandling>(message.PayloadJson, System.Text.Json.JsonSerializerOptions.Web)!,
                cancellationToken);
            return Outbox.OutboxOutcome.Ok;
        }
        catch (ApiException ex) when ((int)ex.StatusCode is >= 400 and < 500 and not 408 and not 429)
        {
            return Outbox.OutboxOutcome.Reject($"LIS refused the handling: {(int)ex.StatusCode} {ex.Content}");
        }
        catch (Exception ex) when (ex is ApiException or ApiRequestException or HttpRequestException or TaskCanceledException)
        {
            return Outbox.OutboxOutcome.Retry(ex.Message);
        }
    }

    public void OnDelivered(Outbox.OutboxMessage message, Storage.PortalDbContext db) => db.AlertSteps.Add(new AlertStep
    {
        AlertId = long.Parse(message.Id.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture),
        At = message.DeliveredAt ?? time.GetUtcNow().UtcDateTime, Kind = AlertStepKinds.Delivered, To = message.Destination, Detail = $"attempt {message.Attempts}",
    });
}
