using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.Launch;

/// <summary>Body of <c>POST /api/v1/launch</c>: the launch context plus where the code should lead.</summary>
public sealed class LaunchCodeRequest
{
    /// <summary>The doctor, patient and encounter to open.</summary>
    [Required]
    public LaunchRequest Context { get; set; } = new();
}

/// <summary>A one-time code and the iframe URL that redeems it.</summary>
internal sealed record LaunchCodeResponse(string Code, string Url, DateTime ExpiresAt);

internal static class LaunchEndpoints
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    internal static IEndpointRouteBuilder MapLaunchEndpoints(this IEndpointRouteBuilder app)
    {
        // The iframe entry point: a signed URL (?client=...&sig=...) or a one-time code (?code=...).
        app.MapGet("/launch", async (HttpContext http, LaunchService launches, CancellationToken ct) =>
        {
            var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
            var outcome = query.TryGetValue("code", out var code)
                ? await launches.RedeemCodeAsync(code, ct)
                : await launches.LaunchSignedAsync(query, ct);
            if (outcome.Token is null) return LaunchErrorPage(outcome.Failure!.Value);
            var next = outcome.Next ?? "embed";
            var separator = next.Contains('?') ? '&' : '?';
            return Results.Redirect($"/{next}{separator}s={Uri.EscapeDataString(outcome.Token)}");
        }).AllowAnonymous().ExcludeFromDescription();

        var api = app.MapGroup("/api/v1").RequireAuthorization(HisApiKeyHandler.Policy).WithTags("Launch");
        api.MapPost("/launch", async Task<Results<Ok<LaunchCodeResponse>, ProblemHttpResult>> (
                LaunchCodeRequest body, HttpContext http, LaunchService launches, CancellationToken ct) =>
            {
                if (body.Context.Problem() is { } problem)
                    return TypedResults.Problem(statusCode: 400, title: "Invalid launch context", detail: problem);
                var clientId = http.User.FindFirst(HisApiKeyHandler.ClientClaim)!.Value;
                var (code, expires) = await launches.IssueCodeAsync(body.Context.ToContext(clientId), next: null, ct);
                var url = $"{http.Request.Scheme}://{http.Request.Host}/launch?code={Uri.EscapeDataString(code)}";
                return TypedResults.Ok(new LaunchCodeResponse(code, url, expires));
            })
            .WithName("CreateLaunchCode")
            .WithSummary("Launch the portal for a doctor, patient and encounter (server to server)")
            .WithDescription("Returns a one-time code, valid for Launch:CodeLifetime (2 min), and the iframe URL that redeems it. " +
                             "The clinical context stays on the server; the browser only ever sees opaque tokens.");
        return app;
    }

    private static IResult LaunchErrorPage(LaunchFailure failure)
    {
        var (status, zh, en) = failure switch
        {
            LaunchFailure.Tampered => (403, "启动链接的签名不正确，可能已被修改。", "The launch link's signature is wrong; it may have been altered."),
            LaunchFailure.Expired => (401, "启动链接已过期。", "The launch link has expired."),
            LaunchFailure.Replayed => (409, "启动链接已被使用过，不能重复使用。", "The launch link was already used and cannot be used again."),
            LaunchFailure.UnknownClient => (403, "该 HIS 未在本院工作站中登记。", "This HIS is not registered with the workstation."),
            LaunchFailure.CodeInvalid => (401, "启动码无效。", "The launch code is not valid."),
            LaunchFailure.SessionExpired => (401, "会话已结束。", "The session has ended."),
            _ => (400, "启动参数不完整或不正确。", "The launch parameters are incomplete or wrong."),
        };
        return ErrorPage(status, zh + "请在 HIS 中重新打开患者。", en + " Reopen the patient in HIS.", "launch-error", failure.ToString());
    }

    /// <summary>The plain page a browser gets when a link cannot open the portal: what happened and what to do, in Chinese
    /// and English (<paramref name="testId"/> and <paramref name="failure"/> name it for tests and support).</summary>
    internal static IResult ErrorPage(int status, string zh, string en, string testId, string? failure = null)
    {
        var failureAttribute = failure is null ? "" : $" data-failure=\"{Html.Encode(failure)}\"";
        var html = $$"""
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>无法打开 · Cannot open</title><link rel="stylesheet" href="/css/portal.css"></head>
            <body><main class="plain-card launch-error" role="alert" data-testid="{{Html.Encode(testId)}}"{{failureAttribute}}>
            <h1>无法打开互认工作站</h1><p>{{Html.Encode(zh)}}</p>
            <p lang="en" class="muted">{{Html.Encode(en)}}</p></main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
