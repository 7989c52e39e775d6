using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Workstation.Portal.Alerts;

namespace Workstation.ComponentTests;

/// <summary>The critical-value dialog as a doctor meets it: every item read back before the acknowledgement, a handling
/// before it closes, one save per double click, a plain message when the save is refused or fails.</summary>
public sealed class CriticalAlertDialogTests : PortalTestContext
{
    private readonly FakeActions _actions = new();

    public CriticalAlertDialogTests()
    {
        Services.AddSingleton<IAlertActions>(_actions);
        Services.AddTransient<CriticalAlertState>();
    }

    private static CriticalValueAlert Alert(string status = AlertStatuses.Open) => new()
    {
        Id = 7, Tier = AlertTiers.Critical, Status = status, PatientName = "张伟", EncounterId = "E1", ItemName = "血钾", Value = "6.8",
        Unit = "mmol/L", ReferenceRange = "3.5-5.3", ReportedAt = DateTime.UtcNow, AccountableDoctorId = "D002", OrderingDoctorId = "D001",
    };

    private IRenderedComponent<MudBlazor.MudDialogProvider> Open(CriticalValueAlert alert)
    {
        var provider = Show<MudBlazor.MudDialogProvider>();
        provider.InvokeAsync(() => Services.GetRequiredService<MudBlazor.IDialogService>().ShowAsync<CriticalAlertDialog>("危急值",
            new MudBlazor.DialogParameters<CriticalAlertDialog> { { d => d.Alert, alert }, { d => d.DoctorId, "D002" }, { d => d.DoctorName, "赵医生" } },
            CriticalAlertDialog.Options));
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll(".critical-dialog")));
        return provider;
    }

    [Fact]
    public void Acknowledging_needs_every_read_back_item_then_the_handling_is_recorded_and_the_dialog_closes()
    {
        var dialog = Open(Alert());
        var acknowledge = () => dialog.Find("button[data-testid=acknowledge]");
        Assert.True(acknowledge().HasAttribute("disabled"));
        var readBack = () => dialog.FindAll("[data-testid=readback] input[type=checkbox]"); // patient, item, value, unit
        for (var i = 0; i < 3; i++) readBack()[i].Change(true);
        Assert.True(acknowledge().HasAttribute("disabled")); // the unit is not read back yet
        readBack()[3].Change(true);
        acknowledge().Click();

        dialog.WaitForAssertion(() => Assert.NotNull(dialog.Find("[data-testid=handling]")));
        Assert.Equal(["patient=张伟; item=血钾; value=6.8; unit=mmol/L"], _actions.ReadBacks);
        dialog.Find("button[data-testid=submit-handling]").Click();
        dialog.WaitForAssertion(() => Assert.Equal("请选择或填写处理措施。", dialog.Find("[data-testid=alert-error]").TextContent.Trim()));
        dialog.FindAll("[data-testid=handling] input[type=checkbox]")[0].Change(true); // 已通知患者复查
        dialog.Find("textarea").Input("2小时后复查");
        dialog.Find("button[data-testid=submit-handling]").Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll(".critical-dialog")));
        Assert.Equal(["已通知患者复查；2小时后复查"], _actions.Handlings);
    }

    [Fact]
    public async Task A_double_click_acknowledges_once()
    {
        _actions.Hold = new TaskCompletionSource();
        var state = new CriticalAlertState(_actions, NullLogger<CriticalAlertState>.Instance);
        state.Start(Alert(), "D002", "赵医生");
        foreach (var item in Enum.GetValues<ReadBackItem>()) state.Confirm(item, true);

        var first = state.AcknowledgeAsync();
        var second = state.AcknowledgeAsync(); // while the first is saving
        _actions.Hold.SetResult();
        await Task.WhenAll(first, second);

        Assert.Single(_actions.ReadBacks);
        Assert.Equal(CriticalAlertStep.Handling, state.Step);
    }

    [Fact]
    public async Task A_refusal_is_said_in_plain_words_and_a_failed_save_keeps_the_step()
    {
        var state = new CriticalAlertState(_actions, NullLogger<CriticalAlertState>.Instance);
        state.Start(Alert(), "D777", "钱医生");
        foreach (var item in Enum.GetValues<ReadBackItem>()) state.Confirm(item, true);
        _actions.Refuse = AlertRefusal.NotYours;
        await state.AcknowledgeAsync();
        Assert.Equal(("Alert.Refused.NotYours", CriticalAlertStep.ReadBack), (state.ErrorKey, state.Step));

        _actions.Refuse = null;
        _actions.Fail = true;
        await state.AcknowledgeAsync();
        Assert.Equal(("Alert.SaveFailed", CriticalAlertStep.ReadBack), (state.ErrorKey, state.Step)); // no raw exception text
    }

    [Fact]
    public void An_alert_acknowledged_elsewhere_opens_at_the_handling_and_one_handled_elsewhere_is_done()
    {
        var state = new CriticalAlertState(_actions, NullLogger<CriticalAlertState>.Instance);
        state.Start(Alert(AlertStatuses.Acknowledged), "D002", "赵医生"); // a reconnect mid-dialog: the store says acknowledged
        Assert.Equal(CriticalAlertStep.Handling, state.Step);
        state.Follow(Alert(AlertStatuses.Handled));
        Assert.Equal(CriticalAlertStep.Done, state.Step);
    }

    private sealed class FakeActions : IAlertActions
    {
        public List<string> ReadBacks { get; } = [];

        public List<string> Handlings { get; } = [];

        public TaskCompletionSource? Hold { get; set; }

        public AlertRefusal? Refuse { get; set; }

        public bool Fail { get; set; }

        public async Task<CriticalValueAlert> AcknowledgeAsync(long alertId, string doctorId, string readBack, CancellationToken cancellationToken)
        {
            if (Hold is not null) await Hold.Task;
            if (Refuse is { } refusal) throw new AlertRefusedException(refusal);
            if (Fail) throw new Microsoft.EntityFrameworkCore.DbUpdateException("disk I/O error");
            ReadBacks.Add(readBack);
            return Alert(AlertStatuses.Acknowledged);
        }

        public Task<CriticalValueAlert> HandleAsync(long alertId, string doctorId, string doctorName, string note, CancellationToken cancellationToken)
        {
            Handlings.Add(note);
            return Task.FromResult(Alert(AlertStatuses.Handled));
        }
    }
}
