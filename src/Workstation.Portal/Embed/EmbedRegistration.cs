namespace Workstation.Portal.Embed;

/// <summary>The pages HIS embeds (badge strip, panel) register themselves; Hosting calls <see cref="AddEmbed"/> and
/// <see cref="MapEmbed"/>.</summary>
internal static class EmbedRegistration
{
    /// <summary>The embedded page's workflow, one per circuit.</summary>
    public static IServiceCollection AddEmbed(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<EmbedPageState>();
        services.AddScoped<IEmbedSources, EmbedSources>();
        return services;
    }

    /// <summary>The embed script and the launch redirect.</summary>
    public static IEndpointRouteBuilder MapEmbed(this IEndpointRouteBuilder app) => app.MapEmbedEndpoints();
}
