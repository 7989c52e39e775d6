using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Workstation.Sandbox;

/// <summary>A simulator's page: index.html, {name}.js and {name}.css embedded under <c>{name}/</c> (see the csproj).</summary>
internal static class SiteAssets
{
    public static void MapSite(WebApplication app, string name)
    {
        app.MapGet("/", () => Asset(name, "index.html", "text/html; charset=utf-8"));
        app.MapGet($"/{name}.js", () => Asset(name, $"{name}.js", "text/javascript; charset=utf-8"));
        app.MapGet($"/{name}.css", () => Asset(name, $"{name}.css", "text/css; charset=utf-8"));
    }

    private static IResult Asset(string site, string file, string contentType)
    {
        var stream = typeof(SiteAssets).Assembly.GetManifestResourceStream($"{site}/{file}");
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
