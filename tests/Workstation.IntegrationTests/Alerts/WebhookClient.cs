using System.Text;
using System.Text.Json;
using Workstation.Portal.Alerts;

namespace Workstation.IntegrationTests.Alerts;

/// <summary>Builds signed webhook requests the way LIS/PACS send them.</summary>
public static class WebhookClient
{
    public static object CriticalValue(string eventId, string orderingDoctor = "D001", string tier = "critical", string encounter = "E1001-OUT") => new
    {
        eventId,
        type = "critical-value",
        occurredAt = DateTime.UtcNow,
        data = new
        {
            patientId = "P1001", patientName = "张伟", encounterId = encounter, itemCode = "K", itemName = "血钾", value = "6.8", unit = "mmol/L",
            referenceRange = "3.5-5.3", tier, reportedBy = "检验科 王技师", reportedAt = DateTime.UtcNow, recordId = "LIS-" + eventId,
            orderingDoctorId = orderingDoctor, departmentCode = "NK",
        },
    };

    public static HttpRequestMessage Signed(object body, string secret, string source = "lis", DateTimeOffset? at = null, string? signatureOverride = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
        var ts = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/{source}") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.TimestampHeader, ts);
        request.Headers.Add(Workstation.Portal.Inbound.WebhookEndpoints.SignatureHeader, signatureOverride ?? Workstation.Portal.Inbound.WebhookEndpoints.Sign(secret, ts, bytes));
        return request;
    }
}
