using System.Reflection;
using System.Runtime.CompilerServices;
using Pipeline.Core.Conditions;
using Pipeline.Core.Ingest;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Packs;

/// <summary>A pack's expressions are parsed once, when it loads; uploads reuse them; the loaded model cannot be changed.</summary>
public sealed class CompiledPackTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task Ingest_TwoUploads_ParsesNoExpressionAfterThePackLoaded()
    {
        int atLoad;
        SurveyPackCatalog packs;
        using (var load = ConditionParses.Count())
        {
            packs = await TestPipeline.PeruPacksAsync();
            atLoad = load.Parses;
        }

        await using var pipeline = await TestPipeline.LocalAsync(packs);
        using var uploads = ConditionParses.Count();
        var all = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, Path.Combine(RepoPaths.PeruPack, "sample", "PERU_ALLIANCES.dat")));
        var slice = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, RepoPaths.PeruSample));

        Assert.True(all.Succeeded && slice.Succeeded);
        Assert.True(all.Counts.Count > 1, "the .dat upload reads every record, so rosters, case rules and outliers run");
        Assert.True(atLoad > 0, "loading the pack parses its rules and cleaning expressions");
        Assert.Equal(0, uploads.Parses);
    }

    [Fact]
    public async Task Load_PeruPack_SeverityAndScopeAreTyped()
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find(Survey)!;

        Assert.Contains(pack.Rules.Rules, r => r.ScopeKind == RuleScope.Case);
        Assert.Contains(pack.Rules.Rules, r => r.SeverityLevel == RuleSeverity.Warning);
        Assert.All(pack.Rules.Rules.Where(r => r.Outlier is not null), r => Assert.NotEqual(RuleSeverity.Error, r.SeverityLevel));
    }

    [Fact]
    public async Task Load_PeruPack_ModelCannotBeChanged()
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find(Survey)!;
        var problems = new List<string>();
        var seen = new HashSet<Type>();
        foreach (var root in new object[] { pack.Manifest, pack.Rules, pack.Cleaning, pack.Indicators })
        {
            CollectMutableMembers(root.GetType(), seen, problems);
        }

        Assert.Empty(problems);
        Assert.True(seen.Count > 10, $"the walk reaches the nested definitions, not only the roots ({seen.Count} types)");

        // YAML-filled collections are read-only wrappers, so a cast back to a list does not open them either.
        Assert.True(((ICollection<RuleDefinition>)pack.Rules.Rules).IsReadOnly);
        Assert.True(((ICollection<CaseVariable>)pack.Cleaning.CaseVariables).IsReadOnly);
        Assert.True(((ICollection<IndicatorDefinition>)pack.Indicators.Indicators).IsReadOnly);

        // The parsed expressions are fixed too: a text not parsed at load is refused, not parsed during an upload.
        Assert.True(pack.Rules.Expressions.IsFrozen && pack.Cleaning.Expressions.IsFrozen);
        var refused = Assert.Throws<InvalidOperationException>(() => pack.Rules.Expressions.Condition("NOT_AN_ITEM = 1"));
        Assert.Contains("NOT_AN_ITEM = 1", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Walks the public properties of <paramref name="type"/> and of every pack-model type they reach: a setter must be
    /// init-only, a collection must be typed as a read-only interface.
    /// </summary>
    private static void CollectMutableMembers(Type type, HashSet<Type> seen, List<string> problems)
    {
        if (type.Assembly != typeof(SurveyPack).Assembly || !type.IsClass || !seen.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var where = $"{type.Name}.{property.Name}";
            if (property.SetMethod is { IsPublic: true } setter && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
            {
                problems.Add($"{where} has a public setter that is not init-only");
            }

            foreach (var reached in CheckCollection(property.PropertyType, where, problems))
            {
                CollectMutableMembers(reached, seen, problems);
            }
        }
    }

    /// <summary>The types a property's type reaches (itself, or a read-only collection's element types), after checking it.</summary>
    private static IEnumerable<Type> CheckCollection(Type type, string where, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || !typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            return [type];
        }

        var readOnly = type.IsInterface && type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IReadOnlyDictionary<,>));
        if (!readOnly)
        {
            problems.Add($"{where} is a {type.Name}, not a read-only collection interface");
            return [];
        }

        return type.GetGenericArguments().SelectMany(a => CheckCollection(a, where, problems));
    }
}
