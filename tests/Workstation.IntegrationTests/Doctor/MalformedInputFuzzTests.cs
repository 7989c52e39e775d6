using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Workstation.IntegrationTests.Alerts;
using Workstation.IntegrationTests.Portal;

namespace Workstation.IntegrationTests.Doctor;

/// <summary>Generated malformed bodies against every HIS-facing and webhook endpoint: each must be answered with a
/// 4xx ProblemDetails (or accepted when the mutation left it valid), never a 5xx.</summary>
public sealed class MalformedInputFuzzTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonNode Context() => JsonSerializer.SerializeToNode(LaunchTests.Zhang("E-FUZZ"), JsonSerializerOptions.Web)!;

    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null, () => 0, () => -1, () => 1e308, () => true, () => "", () => " ", () => new string('长', 5000),
        () => "\u0000\u001f<script>", () => new JsonArray(), () => new JsonArray((JsonNode?)null), () => new JsonObject(),
        () => new JsonArray(1, "x", null), () => "2026-13-45T99:99:99", () => new JsonObject { ["a"] = new JsonObject { ["b"] = null } },
    ];

    private static readonly string[] RawBodies =
    [
        "", " ", "null", "[]", "[null]", "0", "\"text\"", "{", "{\"a\":", "{}", "{\"context\":null}", "{\"items\":[null]}",
        "<xml/>", "\u00ff\u00fe", "{\"a\":1,\"a\":2}", new string('[', 200) + new string(']', 200),
    ];

    [Fact]
    public async Task Malformed_bodies_get_4xx_ProblemDetails_never_5xx()
    {
        var api = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        api.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);

        var valid = new (string Path, JsonNode Body)[]
        {
            ("/api/v1/launch", new JsonObject { ["context"] = Context() }),
            ("/api/v1/orders/check", new JsonObject
            {
                ["context"] = Context(), ["draftOrderId"] = "D-FUZZ", ["stage"] = "add",
                ["items"] = new JsonArray(new JsonObject { ["lineId"] = "1", ["itemCode"] = "L001" }),
            }),
            ("/api/v1/orders/validate", new JsonObject
            {
                ["encounterId"] = "E-FUZZ", ["draftOrderId"] = "D-FUZZ",
                ["items"] = new JsonArray(new JsonObject { ["lineId"] = "1", ["itemCode"] = "L001", ["decisionToken"] = "dt_x" }),
            }),
        };

        var outcomes = new List<string>();
        foreach (var (path, body) in valid)
        {
            foreach (var mutated in Mutations(body, seed: path.Length).Take(120))
                outcomes.Add(await SendAsync(() => Json(HttpMethod.Post, path, mutated), path, mutated));
            foreach (var raw in RawBodies)
                outcomes.Add(await SendAsync(() => Json(HttpMethod.Post, path, raw), path, raw));
        }

        // Webhooks: correctly signed, so the body itself is what is being tested.
        var n = 0;
        foreach (var type in new[] { "critical-value", "report-ready", "report-revoked" })
        {
            var envelope = JsonSerializer.SerializeToNode(WebhookClient.CriticalValue("fuzz"), JsonSerializerOptions.Web)!;
            envelope["type"] = type;
            foreach (var mutated in Mutations(envelope, seed: type.Length).Take(60).Concat(RawBodies))
            {
                var text = TryRewrite(mutated, type, ref n); // a unique eventId, so a 409 replay does not hide a bug
                outcomes.Add(await SendAsync(() => WebhookClient.Signed(text, PortalFixture.LisSecret), "/api/v1/webhooks/lis", text));
            }
        }

        // Path parameters of the read endpoints.
        foreach (var id in new[] { new string('x', 3000), "%25", "..%2F..%2Fetc", "中文", "a b", "%E0%A4%A" })
        {
            foreach (var path in new[] { $"/api/v1/encounters/{id}/decisions", $"/api/v1/encounters/{id}/reports", $"/api/v1/encounters/{id}/reports/{id}/pdf" })
                outcomes.Add(await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), path, ""));
        }

        Assert.True(outcomes.Count >= 300, $"only {outcomes.Count} requests were generated");
        var failures = outcomes.Where(o => o.Length > 0).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));

        async Task<string> SendAsync(Func<HttpRequestMessage> request, string path, string body)
        {
            using var response = await api.SendAsync(request(), Ct);
            var content = await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;
            var shown = body.Length > 160 ? body[..160] + "…" : body;
            if (status >= 500) return $"{status} {path} {shown}";
            if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                return $"{status} without ProblemDetails ({response.Content.Headers.ContentType}) {path} {shown}: {content}";
            return "";
        }
    }

    private static string TryRewrite(string body, string type, ref int n)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject o && o["eventId"] is JsonValue)
            {
                o["eventId"] = $"fuzz-{type}-{n++}";
                return o.ToJsonString();
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException) // not JSON, or duplicate keys: sent as it is
        {
        }
        return body;
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, string body) =>
        new(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Every member of the document (recursively) removed, or replaced by each of <see cref="Replacements"/>;
    /// shuffled with a fixed seed.</summary>
    private static IEnumerable<string> Mutations(JsonNode document, int seed)
    {
        var paths = new List<List<object>>();
        Collect(document, [], paths);
        var variants = new List<string>();
        foreach (var path in paths)
        {
            variants.Add(Mutate(document, path, remove: true, replacement: null));
            foreach (var replacement in Replacements) variants.Add(Mutate(document, path, remove: false, replacement: replacement()));
        }
        var random = new Random(seed);
        return variants.Distinct().OrderBy(_ => random.Next());
    }

    private static void Collect(JsonNode node, List<object> path, List<List<object>> paths)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    var p = new List<object>(path) { key };
                    paths.Add(p);
                    if (child is not null) Collect(child, p, paths);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var p = new List<object>(path) { i };
                    paths.Add(p);
                    if (a[i] is { } child) Collect(child, p, paths);
                }
                break;
        }
    }

    private static string Mutate(JsonNode document, List<object> path, bool remove, JsonNode? replacement)
    {
        var copy = document.DeepClone();
        var parent = copy;
        foreach (var step in path.Take(path.Count - 1)) parent = step is string k ? parent![k]! : parent![(int)step]!;
        var last = path[^1];
        if (parent is JsonObject o)
        {
            if (remove) o.Remove((string)last);
            else o[(string)last] = replacement;
        }
        else if (parent is JsonArray a)
        {
            if (remove) a.RemoveAt((int)last);
            else a[(int)last] = replacement;
        }
        return copy.ToJsonString();
    }
}
