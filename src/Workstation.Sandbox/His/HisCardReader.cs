using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workstation.Platform;
using Workstation.Sandbox.CardManagement;

namespace Workstation.Sandbox.His;

/// <summary>A card read at the demo HIS terminal: the simulated card and the scene it is used in.</summary>
public sealed record HisCardRead(string CardNumber, string Scene);

/// <summary>The HIS side of the resident health card (seed 004): a simulated card reader whose every read is checked
/// by the front-end system (the portal's <c>POST /api/v1/health-card/verify</c>) before HIS uses the card.</summary>
public static class HisCardReader
{
    public const string TerminalId = "HIS-DEMO-01";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static void Map(WebApplication app, HisState state)
    {
        app.MapGet("/his/api/cards", () => Results.Json(CardManagementState.DemoCards.Select(c => new { c.CardNumber, c.HisId, c.Name }),
            PlatformServiceCollectionExtensions.Json));
        app.MapPost("/his/api/card/read", (HisCardRead read) => ReadAsync(state, read));
    }

    private static async Task<IResult> ReadAsync(HisState state, HisCardRead read)
    {
        if (CardManagementState.DemoCards.FirstOrDefault(c => c.CardNumber == read.CardNumber) is not { } card)
            return Results.Problem("卡片无法识别", statusCode: StatusCodes.Status400BadRequest);
        if (state.PortalUrl is null || state.Registration is not { } reg)
            return Results.Problem("前置系统未配置", statusCode: StatusCodes.Status503ServiceUnavailable);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(state.PortalUrl), "/api/v1/health-card/verify"))
        {
            Content = JsonContent.Create(new
            {
                cardNumber = card.CardNumber, idNumber = card.IdNumber, scene = read.Scene, terminalId = TerminalId, operatorId = state.Doctor.Id,
            }),
        };
        request.Headers.Add("X-Api-Key", reg.ApiKey);
        try
        {
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) return Results.Content(body, "application/problem+json", statusCode: (int)response.StatusCode);
            var verdict = JsonDocument.Parse(body).RootElement;
            return Results.Json(new
            {
                card.HisId, card.Name, read.Scene,
                allowed = verdict.GetProperty("allowed").GetBoolean(),
                reason = verdict.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null,
            }, PlatformServiceCollectionExtensions.Json);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return Results.Problem("前置系统不可用，请稍后再刷卡", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
