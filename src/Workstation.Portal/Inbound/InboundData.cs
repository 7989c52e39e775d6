using System.Text.Json;
using Workstation.Portal.Hosting;

namespace Workstation.Portal.Inbound;

/// <summary>Binds an event's <c>data</c> to a feature's type and validates it like every other request body.</summary>
internal static class InboundData
{
    public static async Task<InboundBinding> BindAsync<T>(JsonElement data, RequestValidator validator, CancellationToken cancellationToken)
        where T : class
    {
        T? value;
        try
        {
            value = data.Deserialize<T>(JsonSerializerOptions.Web);
        }
        catch (JsonException ex)
        {
            return InboundBinding.Invalid(BadRequestBodyHandler.FieldProblem(ex).Errors);
        }
        if (value is null) return InboundBinding.Invalid(new Dictionary<string, string[]> { [""] = ["data must be an object."] });
        return await validator.ValidateAsync(value, cancellationToken) is { } errors ? InboundBinding.Invalid(errors) : InboundBinding.Valid(value);
    }
}
