using Workstation.Portal.Presence;
using Microsoft.AspNetCore.SignalR;
using Workstation.Portal.Launch;

namespace Workstation.Portal.Alerts;

/// <summary>What external clients receive for an alert.</summary>
internal sealed record AlertMessage(long Id, string Tier, string Status, string PatientName, string EncounterId, string ItemName,
    string Value, string Unit, string ReferenceRange, DateTime ReportedAt, string AccountableDoctorId, int EscalationLevel)
{
    public static AlertMessage From(CriticalValueAlert a) => new(a.Id, a.Tier, a.Status, a.PatientName, a.EncounterId, a.ItemName,
        a.Value, a.Unit, a.ReferenceRange, a.ReportedAt, a.AccountableDoctorId, a.EscalationLevel);
}

/// <summary>SignalR hub for external clients (HIS pages through the embed script, other apps); Blazor components use
/// <see cref="AlertNotifier"/> instead. Connect with <c>/hubs/alerts?s=&lt;launch session token&gt;</c>; on every
/// (re)connect the open alerts are replayed from the store.</summary>
internal sealed class AlertHub(LaunchService launches, AlertLifecycle alerts, DoctorPresence presence) : Hub
{
    public const string CorsPolicy = "his-origins";

    public static string DoctorGroup(string doctorId) => "doctor:" + doctorId;

    public static string DepartmentGroup(string code) => "dept:" + code;

    public static string EncounterGroup(string encounterId) => "encounter:" + encounterId;

    public override async Task OnConnectedAsync()
    {
        var token = Context.GetHttpContext()?.Request.Query["s"].ToString();
        var context = await launches.ResumeAsync(token, Context.ConnectionAborted);
        if (context is null)
        {
            Context.Abort();
            return;
        }
        Context.Items["presence"] = presence.Enter(context.DoctorId);
        // Groups are this instance's own (no backplane): AlertHubBridge sends every instance's alerts to them.
        await Groups.AddToGroupAsync(Context.ConnectionId, DoctorGroup(context.DoctorId));
        await Groups.AddToGroupAsync(Context.ConnectionId, DepartmentGroup(context.DepartmentCode));
        await Groups.AddToGroupAsync(Context.ConnectionId, EncounterGroup(context.EncounterId));
        foreach (var alert in await alerts.OpenForAsync(context.DoctorId, Context.ConnectionAborted))
            await Clients.Caller.SendAsync("alert", AlertMessage.From(alert));
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        (Context.Items["presence"] as IDisposable)?.Dispose();
        return base.OnDisconnectedAsync(exception);
    }
}

