using Workstation.Portal.CdsHooks;
using Workstation.Portal.Fhir;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MudBlazor.Services;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using Serilog;
using Workstation.Platform;
using Workstation.Portal.Accounts;
using Workstation.Portal.Alerts;
using Workstation.Portal.Audit;
using Workstation.Portal.BloodUse;
using Workstation.Portal.Catalogue;
using Workstation.Portal.Embed;
using Workstation.Portal.HealthCard;
using Workstation.Portal.HisPage;
using Workstation.Portal.Inbound;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Recognition;
using Workstation.Portal.Reports;
using Workstation.Portal.Review;
using Workstation.Portal.Components;
using Workstation.Portal.Localization;
using Workstation.Portal.Operations;
using Workstation.Portal.Notifications;
using Workstation.Portal.Background;
using Workstation.Portal.Outbox;
using Workstation.Portal.Presence;
using Workstation.Portal.Uploads;
using Workstation.Portal.Storage;
using Workstation.Portal.Demo;

namespace Workstation.Portal.Hosting;

/// <summary>The portal's wiring, one call per concern.</summary>
internal static class PortalServices
{
    /// <summary>Name of the portal's own ActivitySource and Meter.</summary>
    public const string TelemetryName = "Workstation";

    public static WebApplicationBuilder AddPortalServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // preserveStaticLogger: each host logs through its own logger. Otherwise the loggers write through the static
        // Log.Logger, which the next host built in the same process replaces and a disposed host silences.
        services.AddSerilog((sp, log) => log
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(sp)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"),
            preserveStaticLogger: true);
        CachingLoggerFactory.Decorate(services);
        services.AddPortalTelemetry(configuration);

        services.AddOptions<HisOptions>().Bind(configuration.GetSection(HisOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.AddPortalForwardedHeaders(configuration);

        services.AddSingleton(TimeProvider.System);
        services.AddAudit();
        services.AddPortalStorage(configuration, builder.Environment.ContentRootPath);
        services.AddRecognitionPlatform(configuration);
        services.AddHisPage();
        services.AddLaunch(configuration);
        services.AddOrders(configuration);
        services.AddCdsHooks(configuration);
        services.AddFhir();
        services.AddRecognition(configuration);
        services.AddEmbed(configuration);
        // Features publish their own events on Notifier<T>; a feature may register a closed one of its own.
        services.AddNotifications(configuration);
        services.AddLeasedJobs(configuration);
        services.AddOutbox(configuration);
        services.AddPresence(configuration);
        services.AddInbound(configuration);
        services.AddUploads(configuration);
        services.AddAlerts(configuration);
        services.AddCatalogue(configuration);
        services.AddReports(configuration);
        services.AddReview(configuration);
        services.AddBloodUse(configuration);
        services.AddHealthCard(configuration);

        services.AddPortalSecurity();
        services.AddAccounts(configuration);
        services.AddPortalLocalization(configuration);

        // The circuit's start message carries the state pages hand over from prerendering (a page of explorer rows):
        // past SignalR's 32 KB default the circuit never starts and the page stays dead. Pages hand over little (the
        // dashboard only its query); this bound leaves room for a full page of rows without accepting unbounded input.
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = 256 * 1024);
        services.AddMudServices();
        services.AddScoped<Components.DialogHost>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = RequestValidator.CustomizeProblem);
        // Binding failures are thrown and answered by BadRequestBodyHandler with the field named (not a bare 400).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestBodyHandler>();
        // Every /api request body is validated at the boundary from the DataAnnotations on its type (400 ProblemDetails).
        services.AddValidation();
        services.AddSingleton<RequestValidator>();
        services.AddOpenApi(OpenApiContract.Configure);
        // After the features' own checks, so the readiness report lists them in the same order as before.
        services.AddOperations(configuration);

        services.AddDemo(configuration);
        return builder;
    }

    private static void AddPortalTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var telemetry = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var exporting = telemetry.OtlpEndpoint is not null;
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(telemetry.ServiceName))
            .WithMetrics(m => m.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                "Microsoft.AspNetCore.Components", "System.Net.Http", "Polly", TelemetryName))
            // Spans cost a few microseconds each on the doctor's path; they are recorded only when someone collects them.
            .WithTracing(t =>
            {
                if (exporting) t.AddSource("Microsoft.AspNetCore", "System.Net.Http", TelemetryName);
            });
        if (exporting) otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, telemetry.OtlpEndpoint!);
    }

    private static void AddPortalSecurity(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "workstation.staff";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = "/account/login";
                o.AccessDeniedPath = "/account/denied";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // APIs answer 401/403; only pages redirect to the sign-in page.
                o.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, HisApiKeyHandler>(HisApiKeyHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(HisApiKeyHandler.Policy, p => p
                .AddAuthenticationSchemes(HisApiKeyHandler.SchemeName)
                .RequireClaim(HisApiKeyHandler.ClientClaim));
        services.AddCascadingAuthenticationState();
        // The portal is framed by HIS; CSP frame-ancestors (SecurityHeaders) replaces X-Frame-Options.
        services.AddAntiforgery(o => o.SuppressXFrameOptionsHeader = true);
        // One key ring in the database for every instance: a staff cookie or antiforgery token issued by one instance is
        // read by the others (behind a load balancer), and survives redeployments.
        services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        services.AddDataProtection().SetApplicationName("Workstation").PersistKeysToDbContext<PortalDbContext>();
    }

    /// <summary>Calls from other systems (HIS API, CDS Hooks, FHIR, health probes) come hundreds a second and each is
    /// recorded where it matters (the check, the card, the audit trail, the metrics): answered in time, their request
    /// line is Debug. Refused, failed or slow ones, pages and staff actions are logged as before (Information, Error
    /// for a failure). One console line per order check cost the portal ~0.1 ms of CPU, a tenth of a check.</summary>
    internal static Serilog.Events.LogEventLevel RequestLogLevel(HttpContext context, double elapsedMs, Exception? error)
    {
        if (error is not null || context.Response.StatusCode >= 500) return Serilog.Events.LogEventLevel.Error;
        var machine = ServerTiming.IsOtherSystemsCall(context.Request.Path) || context.Request.Path.StartsWithSegments("/health");
        return machine && context.Response.StatusCode < 400 && elapsedMs < SlowRequestMs
            ? Serilog.Events.LogEventLevel.Debug
            : Serilog.Events.LogEventLevel.Information;
    }

    /// <summary>A call from another system answered slower than this keeps its request line: the platform budget is
    /// 2 s, and the HIS waits.</summary>
    private const double SlowRequestMs = 2000;

    private static Task ApiAwareRedirect(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseServerTiming(); // first: its "app" phase is everything the portal does for the request
        app.UsePortalForwardedHeaders();
        // Through this host's own logger (the middleware would otherwise write through the static Log.Logger); outside the
        // exception handlers, so a request is logged with the status it was answered with (a bad body: 400, not 500).
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.GetLevel = RequestLogLevel;
        });
        app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/api"), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages(); // empty 4xx (e.g. unreadable JSON) become ProblemDetails
        });
        app.UseWhen(ctx => !ctx.Request.Path.StartsWithSegments("/api"), ui => ui.UseExceptionHandler("/error", createScopeForErrors: true));
        app.UseMiddleware<SecurityHeaders>();
        app.UseStaticFiles(); // the portal's own wwwroot (repository root); framework and MudBlazor assets: MapStaticAssets
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealth });
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapAccounts();
        app.MapCatalogue();
        app.MapLaunch();
        app.MapOrders();
        app.MapCdsHooks();
        app.MapFhir();
        app.MapEmbed();
        app.MapInbound();
        app.MapAlerts();
        app.MapUploads();
        app.MapReports();
        app.MapReview();
        app.MapBloodUse();
        app.MapHealthCard();
        // No permessage-deflate on circuits: each compressed WebSocket keeps its own zlib state (hundreds of KB of native
        // memory per open badge page, measured with the circuits bench), render batches are small binary frames on a
        // hospital LAN, and compressing frames that carry secrets next to attacker-influenced text is what the
        // framework's frame-ancestors default guards against. Our own CSP (SecurityHeaders) names the HIS origins.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.DisableWebSocketCompression = true);
        return app;
    }

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        }));
    }
}
