using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;
using Refit;
using Workstation.Platform.Client;

namespace Workstation.Platform;

public static class PlatformServiceCollectionExtensions
{
    /// <summary>JSON as the platform speaks it: camelCase, nulls omitted.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Registers <see cref="IRecognitionPlatform"/> over HTTP: options validated at start, the Refit generated
    /// clients, one resilience pipeline per client (budget, retry, circuit breaker, attempt timeout) and the token handler.</summary>
    public static IServiceCollection AddRecognitionPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlatformOptions>()
            .Bind(configuration.GetSection(PlatformOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PlatformTokenProvider>();
        services.TryAddTransient<PlatformTokenHandler>();

        var settings = new RefitSettings(new SystemTextJsonContentSerializer(Json));
        services.AddRefitGeneratedClient<IPlatformAuthApi>(settings)
            .ConfigureHttpClient(ConfigureClient)
            .AddResilienceHandler("platform-auth", ConfigurePipeline);
        // Handlers run outer to inner: the resilience pipeline wraps the token handler, so a retry gets a fresh token.
        // No IHttpClientFactory request logging on the order-check path: it logs at Information and Trace, which the
        // configuration filters out (System.Net.Http.HttpClient: Warning), yet its handlers opened a log scope and timed
        // every call (about 1 % of the portal's CPU per check); failures are logged by HttpRecognitionPlatform and Polly.
        var platform = services.AddRefitGeneratedClient<IPlatformApi>(settings).ConfigureHttpClient(ConfigureClient).RemoveAllLoggers();
        platform.AddResilienceHandler("platform", ConfigurePipeline);
        platform.AddHttpMessageHandler<PlatformTokenHandler>();
        var uploads = services.AddRefitGeneratedClient<IPlatformUploadApi>(settings).ConfigureHttpClient(ConfigureClient);
        uploads.AddResilienceHandler("platform-upload", (b, ctx) =>
            b.AddTimeout(ctx.ServiceProvider.GetRequiredService<IOptions<PlatformOptions>>().Value.UploadTimeout));
        uploads.AddHttpMessageHandler<PlatformTokenHandler>();
        services.TryAddTransient<IRecognitionPlatform, HttpRecognitionPlatform>();

        // An open circuit, a retry or a timed-out attempt is an expected operating state of an outside system, not a
        // fault of the portal: Polly's telemetry logs them at Warning at most (the failure itself is logged by the caller).
        services.Configure<TelemetryOptions>(o => o.SeverityProvider = args =>
            args.Event.Severity > ResilienceEventSeverity.Warning ? ResilienceEventSeverity.Warning : args.Event.Severity);

        // The way back after an outage: a probe past the breakers, every ProbeInterval while the platform is down.
        services.AddHttpClient(PlatformAvailability.ProbeClient, ConfigureClient);
        services.TryAddSingleton<PlatformAvailability>();
        services.AddHostedService<PlatformRecoveryProbe>();
        return services;
    }

    private static void ConfigureClient(IServiceProvider services, HttpClient client)
    {
        client.BaseAddress = services.GetRequiredService<IOptions<PlatformOptions>>().Value.BaseUrl;
        // The resilience pipeline owns time limits.
        client.Timeout = Timeout.InfiniteTimeSpan;
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var o = context.ServiceProvider.GetRequiredService<IOptions<PlatformOptions>>().Value;
        builder
            .AddTimeout(o.RequestBudget)
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, o.MaxRetries),
                ShouldHandle = o.MaxRetries == 0 ? _ => ValueTask.FromResult(false) : new HttpRetryStrategyOptions().ShouldHandle,
                Delay = o.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                // A successful recovery probe closes every breaker at once (PlatformAvailability).
                ManualControl = context.ServiceProvider.GetRequiredService<PlatformAvailability>().Breakers,
                FailureRatio = o.FailureRatio,
                SamplingDuration = o.SamplingDuration,
                MinimumThroughput = o.MinimumThroughput,
                BreakDuration = o.BreakDuration,
            })
            .AddTimeout(o.AttemptTimeout);
    }
}
