using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.JSInterop;

namespace Workstation.Portal.Localization;

/// <summary>Remembers the language in the browser's local storage, encrypted by the server's data protection
/// (<see cref="ProtectedLocalStorage"/>; Blazored.LocalStorage is not in our registry, see docs/decisions/0004).</summary>
internal sealed class CulturePersistence(ProtectedLocalStorage storage, UiCulture culture, ILogger<CulturePersistence> logger)
{
    /// <summary>Applies the stored choice, if any. Call once the circuit is interactive.</summary>
    public async Task RestoreAsync()
    {
        try
        {
            var stored = await storage.GetAsync<string>(UiCulture.StorageKey);
            if (stored is { Success: true, Value: { } name }) culture.Set(UiCulture.Parse(name));
        }
        catch (Exception ex) when (ex is JSException or CryptographicException or JSDisconnectedException or InvalidOperationException)
        {
            // Storage blocked, cleared or written by another key ring: keep the default language.
            logger.LogDebug(ex, "Stored UI culture not readable");
        }
    }

    public async Task ChooseAsync(System.Globalization.CultureInfo choice)
    {
        culture.Set(choice);
        try
        {
            await storage.SetAsync(UiCulture.StorageKey, culture.Current.Name);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException)
        {
            logger.LogDebug(ex, "UI culture not stored");
        }
    }
}
