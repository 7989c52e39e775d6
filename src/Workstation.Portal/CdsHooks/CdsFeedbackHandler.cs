using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;
using Workstation.Portal.Storage;

namespace Workstation.Portal.CdsHooks;

/// <summary>Card feedback becomes the decision, recorded by the same <see cref="DecisionService"/> as the dialog (same
/// table, same audit, same retention of a recognised report): <c>accepted</c> with the card's suggestion → 互认;
/// <c>overridden</c> with a national decline reason → 不互认 (其他 needs the clinician's comment). The first decision for a
/// card stands; the same feedback sent again is answered the same way.</summary>
public sealed class CdsFeedbackHandler(IDbContextFactory<PortalDbContext> dbFactory, DecisionService decisions)
{
    public const int MaxFeedback = 50;

    public async Task HandleAsync(CdsClientOptions client, string serviceId, CdsFeedbackRequest? body, CancellationToken cancellationToken)
    {
        if (body?.Feedback is not { Count: > 0 } items) throw new CdsInputException("feedback is required (a non-empty array).");
        if (items.Count > MaxFeedback) throw new CdsInputException($"Too many feedback entries: at most {MaxFeedback} per request.");
        var plans = new List<(CdsCard Card, DecisionInput Input)>();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            foreach (var (item, i) in items.Select((f, i) => (f, i)))
            {
                if (item is null) throw new CdsInputException($"feedback[{i}] is empty.");
                if (string.IsNullOrWhiteSpace(item.Card) || item.Card.Length > 40) throw new CdsInputException($"feedback[{i}].card is required (a card uuid).");
                if (string.IsNullOrWhiteSpace(item.OutcomeTimestamp)) throw new CdsInputException($"feedback[{i}].outcomeTimestamp is required.");
                var card = await db.CdsCards.AsNoTracking().SingleOrDefaultAsync(
                    c => c.Uuid == item.Card && c.ClientId == client.Id && c.ServiceId == serviceId, cancellationToken)
                    ?? throw new CdsInputException($"feedback[{i}].card '{item.Card}' is not a card this service gave this client.");
                plans.Add((card, item.Outcome switch
                {
                    "accepted" => Accepted(item, card, i),
                    "overridden" => Overridden(item, card, i),
                    _ => throw new CdsInputException($"feedback[{i}].outcome must be 'accepted' or 'overridden'."),
                }));
            }
        }
        foreach (var (card, input) in plans)
        {
            var context = JsonSerializer.Deserialize<LaunchContext>(card.ContextJson)!;
            try
            {
                await decisions.RecordAsync(context, card.CheckId, [input], cancellationToken);
            }
            catch (OrderInputException ex)
            {
                throw new CdsInputException(ex.Message);
            }
        }
    }

    private static DecisionInput Accepted(CdsFeedback item, CdsCard card, int i)
    {
        if (item.AcceptedSuggestions is not { Count: > 0 } accepted || accepted.Any(s => s?.Id != "s-" + card.Uuid))
            throw new CdsInputException($"feedback[{i}]: accepted needs acceptedSuggestions naming the card's suggestion (\"s-{card.Uuid}\").");
        return new DecisionInput(card.LineId, DecisionChoices.Recognise, [], null);
    }

    private static DecisionInput Overridden(CdsFeedback item, CdsCard card, int i)
    {
        var reason = item.OverrideReason?.Reason;
        if (reason is null || string.IsNullOrWhiteSpace(reason.Code))
            throw new CdsInputException($"feedback[{i}]: overridden needs overrideReason.reason, one of the card's override reasons (不互认 needs a coded reason).");
        if (reason.System is not null && reason.System != CdsServices.DeclineReasonSystem || !DeclineReasons.All.Contains(reason.Code))
            throw new CdsInputException($"feedback[{i}]: '{Cut(reason.Code)}' is not one of the national decline reasons ({CdsServices.DeclineReasonSystem}).");
        var comment = item.OverrideReason?.UserComment?.Trim();
        if (reason.Code == DeclineReasons.Other && string.IsNullOrEmpty(comment))
            throw new CdsInputException($"feedback[{i}]: the reason 其他 (OTHER) needs overrideReason.userComment saying why.");
        if (comment is { Length: > DeclineReasons.FreeTextMaxLength })
            throw new CdsInputException($"feedback[{i}]: userComment is too long (at most {DeclineReasons.FreeTextMaxLength} characters).");
        return new DecisionInput(card.LineId, DecisionChoices.Decline, [reason.Code], string.IsNullOrEmpty(comment) ? null : comment);
    }

    private static string Cut(string value) => value.Length > 40 ? value[..40] : value;
}
