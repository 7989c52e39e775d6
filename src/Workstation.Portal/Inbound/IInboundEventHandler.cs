using System.Text.Json;
using Workstation.Portal.Storage;

namespace Workstation.Portal.Inbound;

/// <summary>The data of an event bound to a feature's type, or the field errors that make it a bad request.</summary>
public sealed record InboundBinding(object? Data, IDictionary<string, string[]>? Errors)
{
    public static InboundBinding Valid(object data) => new(data, null);

    public static InboundBinding Invalid(IDictionary<string, string[]> errors) => new(null, errors);
}

/// <summary>A feature's part in receiving a signed webhook event. Inbound verifies the signature and the envelope; the
/// features that act on the event's type check its data at the boundary (a bad field is a 400, nothing stored) and add
/// what the event creates to the transaction that stores the event, so the event and its consequences are stored together
/// before the sender gets 202, or neither is. Events no handler claims are stored only (a feed may read them later
/// through <see cref="InboundEventLog"/>).</summary>
public interface IInboundEventHandler
{
    /// <summary>Whether this handler acts on <paramref name="type"/> events from <paramref name="source"/>.</summary>
    bool Handles(string source, string type);

    /// <summary>Binds and validates the event's <c>data</c>.</summary>
    Task<InboundBinding> BindAsync(JsonElement data, CancellationToken cancellationToken);

    /// <summary>Adds what the event creates to <paramref name="db"/> (saved with the event). Returns what to do once it is
    /// committed (tell the doctors), or null.</summary>
    Task<Action?> StageAsync(PortalDbContext db, InboundEvent stored, object data, CancellationToken cancellationToken);
}
