using Pipeline.Generator.Spec;

namespace Pipeline.Generator.Rules;

/// <summary>
/// The answers a question already lists, as labels: an "other (specify)" text equal to one of them should have been
/// coded as that answer (Annex E's review of "Other (specify)" answers). Labels are as the dictionary model holds them
/// (core's reader keeps the first language, English here); a label that still holds "English|Español" is split.
/// </summary>
internal static class FaultLabels
{
    /// <summary>Labels of the other options of a multiple-choice group, or of the other codes of an item with 88 "other".</summary>
    public static IEnumerable<string> Siblings(ItemPlan basePlan) => Labels(basePlan).SelectMany(Languages);

    /// <summary>The sibling labels in their last language, the text a fault types into the "other" item.</summary>
    public static IEnumerable<string> Typed(ItemPlan basePlan) => Labels(basePlan).Select(l => Languages(l).Last());

    private static IEnumerable<string> Labels(ItemPlan basePlan)
    {
        if (basePlan.Group is { } group)
        {
            return group.Options.Where(o => o != basePlan)
                .SelectMany(o => o.Item.PrimaryValueSet?.Values.Take(1).Select(v => v.Label) ?? []);
        }

        var valueSet = basePlan.Item.PrimaryValueSet;
        if (valueSet is null || !valueSet.ContainsNumber(88))
        {
            return [];
        }

        return valueSet.Values.Where(v => v.Special is null && !v.ContainsNumber(88) && !v.ContainsNumber(99)).Select(v => v.Label);
    }

    private static IEnumerable<string> Languages(string label) => label.Split('|').Select(l => l.Trim()).Where(l => l.Length > 0).DefaultIfEmpty(label);
}
