# A stratum with a single sampled case, as R's survey package treats it under each lonely-PSU option. The pipeline
# leaves such a stratum's variance term out and flags the cell (single-case-stratum): "certainty" (and, here, "remove")
# give the same standard error. Run: Rscript tests/Pipeline.Tests/Fixtures/r/lonely-stratum.R
# Output with R 4.2.2, survey 4.1.1 (2026-12-03):
#   certainty 0.91666666666666663 0.064549722436790274 df 3
#   remove 0.91666666666666663 0.064549722436790274 df 3
#   adjust 0.91666666666666663 0.084254171600572803 df 3
suppressPackageStartupMessages(library(survey))
d <- data.frame(s = c(1, 1, 1, 1, 2), y = c(1, 0, 1, 1, 1), N = c(10, 10, 10, 10, 20))
for (o in c("certainty", "remove", "adjust")) {
  options(survey.lonely.psu = o)
  des <- svydesign(ids = ~1, strata = ~s, fpc = ~N, data = d)
  m <- svymean(~y, des)
  cat(o, format(coef(m), digits = 17), format(SE(m), digits = 17), "df", degf(des), "\n")
}
