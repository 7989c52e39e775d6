using System.Collections.Concurrent;

namespace Workstation.Portal.Storage;

/// <summary>An EF Core compiled query (<c>EF.CompileAsyncQuery</c>) for each context type. A compiled query is bound
/// to the model it first ran against and refuses any other; each provider has its own context type and model, and one
/// process (the tests, a migration tool) may use both.</summary>
internal sealed class PerModel<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    private readonly ConcurrentDictionary<Type, TQuery> _byContext = new();

    public TQuery For(PortalDbContext db) => _byContext.GetOrAdd(db.GetType(), _ => compile());
}
