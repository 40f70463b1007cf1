using Pipeline.Core.Dictionary;

namespace Pipeline.Readers.Tests;

/// <summary>
/// Items CSPro captures as dates: <c>CaptureType=Date</c> and <c>CaptureDateFormat</c> in a text dictionary,
/// <c>"capture": {"type": "date", "dateFormat": ...}</c> in JSON (cspro <c>zDictO/CaptureInfo.cpp</c>:
/// <c>CaptureInfo::WriteJson</c> writes the type in camel case, <c>DateCaptureInfo::WriteJson</c> the format), and
/// CSPro's fallbacks when the format is missing or does not fit the item (<c>DateCaptureInfo::MakeValid</c>).
/// No public sample dictionary we hold uses a date capture, so the fixtures are written here, in CSPro's key names.
/// </summary>
public sealed class DictionaryDateCaptureTests
{
    private const string Text = """
        [Dictionary]
        Version=CSPro 7.7
        Label=Dates
        Name=DATES_DICT
        RecordTypeStart=0
        RecordTypeLen=0
        Positions=Absolute

        [Level]
        Label=Dates level
        Name=DATES_LEVEL

        [IdItems]

        [Item]
        Label=Case
        Name=CASE_NO
        Start=1
        Len=3

        [Record]
        Label=Dates record
        Name=DATES_REC
        RecordTypeValue=''

        [Item]
        Label=Interview date
        Name=INTERVIEW_DATE
        Start=4
        Len=8
        ZeroFill=Yes
        CaptureType=Date
        CaptureDateFormat=DDMMYYYY

        [Item]
        Label=Birth date, format left to CSPro
        Name=BIRTH_DATE
        Start=12
        Len=8
        CaptureType=Date

        [Item]
        Label=Month, a format of another length
        Name=START_MONTH
        Start=20
        Len=6
        CaptureType=Date
        CaptureDateFormat=YYYYMMDD

        [Item]
        Label=Too long to be a date
        Name=CODE
        Start=26
        Len=10
        CaptureType=Date
        CaptureDateFormat=YYYYMMDD

        [Item]
        Label=Radio buttons
        Name=ANSWER
        Start=36
        Len=1
        CaptureType=RadioButton

        [Item]
        Label=Alpha date
        Name=VISIT_TEXT
        Start=37
        Len=8
        DataType=Alpha
        CaptureType=date
        CaptureDateFormat=yyyymmdd
        """;

    private const string Json = """
        {
          "software": "CSPro", "version": 8.0, "fileType": "dictionary",
          "name": "DATES_DICT", "labels": [ { "text": "Dates" } ],
          "recordType": { "start": 0, "length": 0 },
          "defaults": { "decimalMark": true, "zeroFill": true },
          "relativePositions": false,
          "levels": [ {
              "name": "DATES_LEVEL", "labels": [ { "text": "Dates level" } ],
              "ids": { "items": [ { "name": "CASE_NO", "labels": [ { "text": "Case" } ], "contentType": "numeric", "start": 1, "length": 3, "zeroFill": true } ] },
              "records": [ {
                  "name": "DATES_REC", "labels": [ { "text": "Dates record" } ],
                  "occurrences": { "required": true, "maximum": 1 },
                  "items": [
                    { "name": "INTERVIEW_DATE", "labels": [ { "text": "Interview date" } ], "contentType": "numeric", "start": 4, "length": 8, "zeroFill": true,
                      "capture": { "type": "date", "dateFormat": "DDMMYYYY" } },
                    { "name": "BIRTH_DATE", "labels": [ { "text": "Birth date" } ], "contentType": "numeric", "start": 12, "length": 8, "zeroFill": false,
                      "capture": { "type": "date" } },
                    { "name": "ANSWER", "labels": [ { "text": "Radio buttons" } ], "contentType": "numeric", "start": 20, "length": 1, "zeroFill": false,
                      "capture": { "type": "radioButton" } },
                    { "name": "PLAIN", "labels": [ { "text": "No capture" } ], "contentType": "numeric", "start": 21, "length": 8, "zeroFill": false }
                  ] } ] } ]
        }
        """;

    [Fact]
    public void Parse_TextDictionaryWithCaptureTypeDate_GivesEachDateItemItsFormat()
    {
        var dictionary = DictionaryReader.Parse(Text, "dates.dcf");

        Assert.Equal("DDMMYYYY", dictionary.FindItem("INTERVIEW_DATE")!.CaptureDateFormat);
        Assert.Equal("YYYYMMDD", dictionary.FindItem("BIRTH_DATE")!.CaptureDateFormat); // no format: CSPro's default for 8 characters
        Assert.Equal("YYMMDD", dictionary.FindItem("START_MONTH")!.CaptureDateFormat); // a format of another length: the default for 6
        Assert.Null(dictionary.FindItem("CODE")!.CaptureDateFormat); // 10 characters cannot be a date: CSPro makes it a text box
        Assert.Null(dictionary.FindItem("ANSWER")!.CaptureDateFormat);
        Assert.Equal("YYYYMMDD", dictionary.FindItem("VISIT_TEXT")!.CaptureDateFormat); // keys and formats in any case, alpha too
        Assert.Null(dictionary.FindItem("CASE_NO")!.CaptureDateFormat);
    }

    [Fact]
    public void Parse_JsonDictionaryWithDateCapture_GivesEachDateItemItsFormat()
    {
        var dictionary = JsonDictionaryReader.Parse(Json, "dates.json");

        Assert.Equal("DDMMYYYY", dictionary.FindItem("INTERVIEW_DATE")!.CaptureDateFormat);
        Assert.Equal("YYYYMMDD", dictionary.FindItem("BIRTH_DATE")!.CaptureDateFormat);
        Assert.Null(dictionary.FindItem("ANSWER")!.CaptureDateFormat);
        Assert.Null(dictionary.FindItem("PLAIN")!.CaptureDateFormat);
    }

    [Theory]
    [InlineData("YYYYMMDD", "20220815", 2022, 8, 15)]
    [InlineData("DDMMYYYY", "15082022", 2022, 8, 15)]
    [InlineData("MMDDYYYY", "08152022", 2022, 8, 15)]
    [InlineData("YYYYDDMM", "20221508", 2022, 8, 15)]
    [InlineData("DDYYYYMM", "15202208", 2022, 8, 15)]
    [InlineData("MMYYYYDD", "08202215", 2022, 8, 15)]
    [InlineData("YYYYMMDD", "20240229", 2024, 2, 29)]
    public void TryRead_FullDateFormats_ReadTheDay(string format, string text, int year, int month, int day)
    {
        var parsed = DateFormat.Parse(format)!;

        Assert.True(parsed.IsFullDate);
        Assert.True(parsed.TryRead(text.AsSpan(), out var date));
        Assert.Equal(new DateOnly(year, month, day), date);
    }

    [Theory]
    [InlineData("YYYYMMDD", "20220231")] // no 31 February
    [InlineData("YYYYMMDD", "20221301")] // no month 13
    [InlineData("YYYYMMDD", "20230229")] // 2023 is no leap year
    [InlineData("YYYYMMDD", "00000000")]
    [InlineData("YYYYMMDD", "2022081")] // wrong length
    [InlineData("YYYYMMDD", "202208150")]
    [InlineData("YYYYMMDD", "2022-8-5")]
    [InlineData("DDMMYYYY", "00082022")]
    public void TryRead_NoCalendarDay_IsFalse(string format, string text) =>
        Assert.False(DateFormat.Parse(format)!.TryRead(text.AsSpan(), out _));

    [Theory]
    [InlineData("DDMMYYYY", 1082022L, 2022, 8, 1)] // a number is zero-filled to the format's length, as CSPro stores it
    [InlineData("YYYYMMDD", 20220815L, 2022, 8, 15)]
    public void TryRead_Number_IsZeroFilledToTheFormat(string format, long number, int year, int month, int day)
    {
        Assert.True(DateFormat.Parse(format)!.TryRead(number, out var date));
        Assert.Equal(new DateOnly(year, month, day), date);
    }

    [Theory]
    [InlineData(-20220815L)]
    [InlineData(202208150L)]
    [InlineData(0L)]
    public void TryRead_NumberThatIsNoDay_IsFalse(long number) => Assert.False(DateFormat.Parse("YYYYMMDD")!.TryRead(number, out _));

    [Theory]
    [InlineData("YYMMDD")]
    [InlineData("MMYYYY")]
    [InlineData("MMDD")]
    [InlineData("YYYYMM")]
    public void IsFullDate_TwoDigitYearOrPartialDate_IsFalse(string format) => Assert.False(DateFormat.Parse(format)!.IsFullDate);

    [Fact]
    public void Parse_UnknownFormat_IsNull() => Assert.Null(DateFormat.Parse("YYYY-MM-DD"));
}
