using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using Workstation.Platform.Catalogue;
using Workstation.Portal.Localization;

namespace Workstation.ComponentTests;

/// <summary>bUnit context with what the portal's components need: MudBlazor, the circuit culture, protected storage.</summary>
public abstract class PortalTestContext : BunitContext
{
    protected PortalTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddScoped<Workstation.Portal.Components.DialogHost>();
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        Services.AddScoped<ProtectedLocalStorage>();
        Services.AddSingleton(new LocalTime(Microsoft.Extensions.Options.Options.Create(new LocalTimeOptions())));
        Services.AddScoped<UiCulture>();
        Services.AddScoped<CulturePersistence>();
        Services.AddScoped(typeof(IStringLocalizer<>), typeof(UiStringLocalizer<>));
        Services.AddSingleton(RecognitionItemCatalogue.LoadDefault());
    }

    /// <summary>Renders as in a live Blazor Server circuit (or, with <paramref name="interactive"/> false, as static SSR).
    /// Register services before the first call: bUnit freezes the container once rendering starts.</summary>
    protected IRenderedComponent<T> Show<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null, bool interactive = true)
        where T : IComponent
    {
        SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));
        return parameters is null ? Render<T>() : Render<T>(parameters);
    }

    private protected UiCulture Culture => Services.GetRequiredService<UiCulture>();
}
