using Microsoft.AspNetCore.Components;

namespace Workstation.Portal.Components;

/// <summary>Rendered right after the <c>MudDialogProvider</c> of a layout that renders it on demand: when this is created
/// the provider, its elder sibling, already listens to the dialog service, and <see cref="DialogHost"/> may show.</summary>
public sealed class DialogProviderReady : ComponentBase
{
    [Inject] private DialogHost Host { get; set; } = default!;

    protected override void OnInitialized() => Host.Rendered();
}
