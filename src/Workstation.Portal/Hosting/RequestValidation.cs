using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Validation;

namespace Workstation.Portal.Hosting;

/// <summary>A list that must not contain null entries (JSON <c>[null]</c>); the built-in attributes accept them.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
internal sealed class NoNullItemsAttribute : ValidationAttribute
{
    public NoNullItemsAttribute() : base("The field {0} must not contain null entries.")
    {
    }

    public override bool IsValid(object? value) => value is not IEnumerable items || items.Cast<object?>().All(i => i is not null);
}

/// <summary>Request bodies are validated one way everywhere: DataAnnotations on the request types, checked by the .NET
/// minimal-API validation (<c>AddValidation</c>). Endpoints that must read the raw body first (signed webhooks) call
/// <see cref="ValidateAsync"/>, which runs the same generated validators and answers the same ProblemDetails.</summary>
public sealed class RequestValidator(IOptions<ValidationOptions> options, IServiceProvider services)
{
    /// <summary>Null when valid; otherwise the errors by JSON field path.</summary>
    // ASP0029: the programmatic entry to the validation engine is marked experimental in .NET 10; it is the engine the
    // minimal-API filter itself runs, so both paths give the same rules and the same messages.
#pragma warning disable ASP0029
    public async Task<IDictionary<string, string[]>?> ValidateAsync<T>(T value, CancellationToken cancellationToken) where T : class
    {
        if (!options.Value.TryGetValidatableTypeInfo(typeof(T), out var info))
            throw new InvalidOperationException($"{typeof(T).Name} is not a validatable type.");
        var context = new ValidateContext
        {
            ValidationOptions = options.Value,
            ValidationContext = new ValidationContext(value, services, null),
        };
        await info.ValidateAsync(value, context, cancellationToken);
        return context.ValidationErrors is { Count: > 0 } errors ? errors : null;
    }
#pragma warning restore ASP0029

    public static IResult Problem(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(CamelCase(errors),
        title: "One or more validation errors occurred.");

    /// <summary>Error keys as HIS writes the JSON: <c>Context.DoctorId</c> → <c>context.doctorId</c>,
    /// <c>Items[0].LineId</c> → <c>items[0].lineId</c>.</summary>
    public static IDictionary<string, string[]> CamelCase(IDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => string.Join('.', e.Key.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName)), e => e.Value);

    /// <summary>Applied to every ProblemDetails the portal writes, including the minimal-API validation filter's.</summary>
    public static void CustomizeProblem(ProblemDetailsContext context)
    {
        if (context.ProblemDetails is HttpValidationProblemDetails validation && validation.Errors.Count > 0)
        {
            var renamed = CamelCase(validation.Errors);
            validation.Errors.Clear();
            foreach (var (key, value) in renamed) validation.Errors[key] = value;
        }
    }
}
