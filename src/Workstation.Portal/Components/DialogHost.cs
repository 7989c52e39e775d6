using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Workstation.Portal.Components;

/// <summary>Shows MudBlazor dialogs from the pages inside HIS. Their layout renders the dialog provider only once a
/// dialog is wanted: the badge strip stays open all day in every doctor's HIS and most never show one, and the
/// provider with its two cascading values is three components kept in every circuit. Where no layout attached itself
/// (the staff layout renders its provider always), dialogs are shown at once.</summary>
public sealed class DialogHost(IDialogService dialogs)
{
    private readonly TaskCompletionSource _rendered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _render;

    /// <summary>Whether the layout should render the dialog provider.</summary>
    public bool Wanted { get; private set; }

    /// <summary>A layout that renders the provider on demand; <paramref name="render"/> makes it render again. Disposing
    /// the result detaches that layout only (a new layout attaches before the old one is disposed).</summary>
    public IDisposable Attach(Action render)
    {
        _render = render;
        return new Detach(this, render);
    }

    /// <summary>Called by <see cref="DialogProviderReady"/>, rendered right after the provider: sibling components are
    /// created in order, so the provider has subscribed to the dialog service by then. Not after-render: an earlier
    /// render's after-render call may arrive once the provider is wanted but not yet created.</summary>
    public void Rendered() => _rendered.TrySetResult();

    public async Task<IDialogReference> ShowAsync<TDialog>(string title, DialogParameters parameters, DialogOptions options)
        where TDialog : IComponent
    {
        if (_render is { } render && !_rendered.Task.IsCompleted)
        {
            Wanted = true;
            render();
            await _rendered.Task;
        }
        return await dialogs.ShowAsync<TDialog>(title, parameters, options);
    }

    private sealed class Detach(DialogHost host, Action render) : IDisposable
    {
        public void Dispose()
        {
            if (host._render == render) host._render = null;
        }
    }
}
