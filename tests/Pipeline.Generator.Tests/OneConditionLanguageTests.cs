using Pipeline.Core.Conditions;
using Pipeline.Core.Values;
using Pipeline.Generator.Cases;
using Pipeline.Generator.Spec;

namespace Pipeline.Generator.Tests;

/// <summary>
/// rules.yaml and generator.yaml share one condition language: the same condition over the same values, blanks
/// included, gives the same yes/no to a rule (applies / is broken only when true) and to the generator (holds only when
/// true). The rows marked "used to disagree" are the ones where generator.yaml's old two-valued reading said true.
/// </summary>
public class OneConditionLanguageTests
{
    // Q12 blank, Q8 = 0, A = 2, B blank.
    private static readonly Dictionary<string, decimal?> Values = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Q12"] = null, ["Q8"] = 0, ["A"] = 2, ["B"] = null,
    };

    [Theory]
    [InlineData("Q12 != 1", false)] // used to disagree: the generator said true
    [InlineData("Q12 = 1", false)]
    [InlineData("Q12 > 0", false)]
    [InlineData("Q12 in (1, 2)", false)]
    [InlineData("Q12 not in (1, 2)", false)] // the generator had no 'not in'; unknown, like '!='
    [InlineData("Q12 is blank", true)]
    [InlineData("Q12 is not blank", false)]
    [InlineData("Q12 != 1 or Q12 is blank", true)] // the explicit form generator.yaml now writes
    [InlineData("Q12 != 1 and A = 2", false)] // used to disagree
    [InlineData("Q12 = 1 or A = 2", true)]
    [InlineData("not Q12 = 1", false)] // not unknown is unknown
    [InlineData("not (Q12 = 1 or Q12 is blank)", false)]
    [InlineData("A + B = 2", false)] // a sum with a blank is unknown
    [InlineData("A + B is blank", true)]
    [InlineData("Q8 != 1", true)]
    [InlineData("Q8 > 0", false)]
    [InlineData("A in (1, 2) and Q8 < 1", true)]
    [InlineData("A != 2 or B != 1", false)] // used to disagree
    public void SameCondition_RulesAndGenerator_GiveTheSameTruth(string text, bool expected)
    {
        var rule = RuleExpression.Parse(text);
        var columns = new RowValues(Values.Keys.Select(k => new TableColumn(k, ColumnKind.Integer)));
        var cells = Values.Values.Select(v => v is { } n ? CellValue.OfInteger((long)n) : CellValue.Null).ToArray();
        var generator = Condition.Parse(text, new SpecLocation("generator.yaml", 1, 1), name => new NameRef(name, RefKind.SingleItem));

        var ruleFires = rule.Evaluate(columns, cells) == true;
        var generatorHolds = generator.Holds(new Scope());

        Assert.Equal(expected, ruleFires);
        Assert.Equal(expected, generatorHolds);
    }

    [Theory]
    [InlineData("Q24_88 != blank", "write 'is not blank'")]
    [InlineData("Q24_88 = blank", "write 'is blank'")]
    [InlineData("Q24_88 in (1, blank)", "add 'or ITEM is blank'")]
    public void Generator_OldBlankComparison_SaysWhatToWrite(string text, string advice)
    {
        var error = Assert.Throws<GeneratorSpecException>(() => Condition.Parse(text, new SpecLocation("generator.yaml", 3, 7), name => new NameRef(name, RefKind.SingleItem)));

        Assert.Contains($"condition \"{text}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generator_QuotedText_ComparesTexts()
    {
        var condition = Condition.Parse("STRATUM = 'coffee-small' and Q8 = 0", new SpecLocation("generator.yaml", 1, 1), name => new NameRef(name, RefKind.SingleItem));

        Assert.True(condition.Holds(new Scope()));
    }

    private sealed class Scope : IValueScope
    {
        public GeneratedValue Value(NameRef name) =>
            name.Name == "STRATUM" ? GeneratedValue.OfText("coffee-small")
            : Values[name.Name] is { } n ? GeneratedValue.Of(n) : GeneratedValue.Blank;
    }
}
