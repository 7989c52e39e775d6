using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Workstation.Platform.Contract;
using Workstation.Portal.Launch;
using Workstation.Portal.Orders;

namespace Workstation.ComponentTests;

public sealed class DecisionDialogTests : PortalTestContext
{
    private readonly FakeRecorder _recorder = new();

    private static readonly LaunchContext Context = new("his", "D001", "李医生", "NK", "内科", "P1001",
        new PatientIdentity("03", "E1", "张伟"), "E1001", CareSettings.Outpatient);

    public DecisionDialogTests() => Services.AddSingleton<IDecisionRecorder>(_recorder);

    private static LineCheck Line(string id, string code, string name) => new(id, code, name, true,
        [new RecognisableReport("R-" + id, "lab", code, name, "441300-001", "惠州市中心人民医院", DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(6), true, "HR", "正常")],
        null);

    private (IRenderedComponent<MudDialogProvider> Provider, Task<IReadOnlyList<DecisionSummary>> Result) Open(params LineCheck[] lines)
    {
        var provider = Show<MudDialogProvider>();
        var outcome = new OrderCheckOutcome("check-1", "D-1", CheckStages.Add, OrderCheckStatus.Duplicates, null, lines, DateTime.UtcNow);
        var dialogs = Services.GetRequiredService<Workstation.Portal.Components.DialogHost>();
        Task<IReadOnlyList<DecisionSummary>>? result = null;
        provider.InvokeAsync(() => result = DecisionDialog.ShowAsync(dialogs, Context, outcome, "title"));
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll(".decision-dialog")));
        return (provider, result!);
    }

    [Fact]
    public void The_dialog_cannot_be_dismissed_by_escape_backdrop_or_a_close_button()
    {
        Assert.False(DecisionDialog.Options.BackdropClick);
        Assert.False(DecisionDialog.Options.CloseOnEscapeKey);
        Assert.False(DecisionDialog.Options.CloseButton);

        var (provider, result) = Open(Line("1", "L001", "血常规"));

        Assert.Empty(provider.FindAll(".mud-dialog .mud-button-close, .mud-dialog button[aria-label=Close]"));
        // Escape is handled by MudBlazor's key interceptor (JS) only when CloseOnEscapeKey is on: the e2e test presses it for real.
        foreach (var overlay in provider.FindAll(".mud-overlay")) overlay.Click();

        Assert.NotEmpty(provider.FindAll(".decision-dialog"));
        Assert.False(result.IsCompleted);
        Assert.Empty(_recorder.Calls);
    }

    [Fact]
    public void Submitting_without_a_choice_says_so_and_stays_open()
    {
        var (provider, result) = Open(Line("1", "L001", "血常规"));

        provider.Find("[data-testid=decision-submit]").Click();

        provider.WaitForAssertion(() => Assert.Contains("请选择互认或不互认", provider.Find("[data-testid=line-error]").TextContent));
        Assert.False(result.IsCompleted);
        Assert.Empty(_recorder.Calls);
    }

    [Fact]
    public void Declining_needs_a_reason()
    {
        var (provider, _) = Open(Line("1", "L001", "血常规"));

        provider.Find("[data-testid=choose-decline]").Click();
        provider.Find("[data-testid=decision-submit]").Click();

        provider.WaitForAssertion(() => Assert.Contains("请至少选择一个不互认原因", provider.Find("[data-testid=line-error]").TextContent));
        Assert.Empty(_recorder.Calls);
    }

    [Fact]
    public void Other_needs_free_text_and_the_text_is_limited_to_200_characters()
    {
        var (provider, _) = Open(Line("1", "L001", "血常规"));
        provider.Find("[data-testid=choose-decline]").Click();
        var other = provider.FindAll("[data-testid=decline-reasons] input[type=checkbox]")[DeclineReasons.All.ToList().IndexOf(DeclineReasons.Other)];
        other.Change(true);

        provider.Find("[data-testid=decision-submit]").Click();
        provider.WaitForAssertion(() => Assert.Contains("选择“其他”时须填写说明", provider.Find("[data-testid=line-error]").TextContent));

        provider.Find(Text).Input(new string('因', 201));
        provider.Find("[data-testid=decision-submit]").Click();
        provider.WaitForAssertion(() => Assert.Contains("说明不能超过200字", provider.Find("[data-testid=line-error]").TextContent));
        Assert.Equal("200", provider.Find(Text).GetAttribute("maxlength"));
        Assert.Empty(_recorder.Calls);

        provider.Find(Text).Input("患者三天前外院检查后病情明显变化");
        provider.Find("[data-testid=decision-submit]").Click();
        provider.WaitForAssertion(() => Assert.Single(_recorder.Calls));
        var input = _recorder.Calls.Single().Single();
        Assert.Equal(DecisionChoices.Decline, input.Choice);
        Assert.Equal([DeclineReasons.Other], input.ReasonCodes);
    }

    [Fact]
    public async Task Several_duplicates_are_decided_item_by_item_or_all_recognised_at_once()
    {
        var (provider, result) = Open(Line("1", "L001", "血常规"), Line("2", "E002", "胸部CT"));
        Assert.Equal(2, provider.FindAll("[data-testid=decision-line]").Count);

        provider.Find("[data-testid=recognise-all]").Click();
        provider.Find("[data-testid=decision-submit]").Click();

        provider.WaitForAssertion(() => Assert.True(result.IsCompleted));
        Assert.All(_recorder.Calls.Single(), i => Assert.Equal(DecisionChoices.Recognise, i.Choice));
        Assert.Equal(["1", "2"], (await result).Select(d => d.LineId));
        Assert.Empty(provider.FindAll(".decision-dialog"));
    }

    [Theory]
    [InlineData(false, "决定未能保存（系统暂时无法写入）。您的选择仍在，请稍后再点“确认并继续”。")]
    [InlineData(true, "这张医嘱的核验记录已变化，此决定无法保存。请在 HIS 中重新核验这张医嘱。")]
    public void A_failed_save_keeps_the_dialog_and_the_choices_and_says_what_to_do_in_plain_words(bool rejected, string said)
    {
        _recorder.Fail = rejected ? new OrderInputException("line '1' is not part of this check.")
            : new Microsoft.EntityFrameworkCore.DbUpdateException("SQLite Error 5: 'database is locked'.");
        var (provider, result) = Open(Line("1", "L001", "血常规"));
        provider.Find("[data-testid=choose-recognise]").Click();

        provider.Find("[data-testid=decision-submit]").Click();

        provider.WaitForAssertion(() => Assert.Equal(said, provider.Find("[data-testid=save-error]").TextContent.Trim()));
        Assert.DoesNotContain(_recorder.Fail.Message, provider.Markup); // the exception's words stay in the log
        Assert.Equal("true", provider.Find("[data-testid=choose-recognise]").GetAttribute("aria-pressed"));
        Assert.False(result.IsCompleted);
    }

    private const string Text = "textarea[data-testid=decline-text], [data-testid=decline-text] textarea";

    private sealed class FakeRecorder : IDecisionRecorder
    {
        public List<IReadOnlyList<DecisionInput>> Calls { get; } = [];

        public Exception? Fail { get; set; }

        public Task<IReadOnlyList<DecisionSummary>> RecordAsync(LaunchContext context, string checkId, IReadOnlyList<DecisionInput> inputs,
            CancellationToken cancellationToken)
        {
            if (Fail is not null) throw Fail;
            Calls.Add(inputs);
            IReadOnlyList<DecisionSummary> stored = inputs.Select(i => new DecisionSummary(i.LineId, "L", "R-" + i.LineId, i.Choice, i.ReasonCodes,
                i.FreeText, "dt_" + i.LineId, DateTime.UtcNow, RetainStatuses.Pending)).ToList();
            return Task.FromResult(stored);
        }
    }
}
