# Reproduces every cell of the farm-income fixture's findings with R's survey package (Lumley), independently of the
# pipeline. Run from the repository root:
#   Rscript tests/Pipeline.Tests/Fixtures/r/farm-income.R > tests/Pipeline.Tests/Fixtures/r/farm-income-survey.csv
# The output's first lines (#) record the R and survey versions it was computed with.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "fail") # every stratum of this fixture has at least 4 cases

d <- read.csv("tests/Pipeline.Tests/Fixtures/packs/farm-income/sample/FARM_REC.csv")
strata <- read.csv("tests/Pipeline.Tests/Fixtures/packs/farm-income/design/strata.csv")
d <- merge(d, data.frame(REGION = strata$REGION, N = strata$universe), by = "REGION")

# Stratified simple random sampling without replacement: weights N_h / n_h, fpc from N_h.
des <- svydesign(ids = ~1, strata = ~REGION, fpc = ~N, data = d)
df <- degf(des) # n - H = 12: the full design's degrees of freedom, used for every cell (domains too)
t <- qt(0.975, df)

# Domain estimation on the full design (subset() keeps every sampled case for the variance, as svyby does).
cells <- list(all = rep(TRUE, nrow(d)), "head-sex=1" = d$HEAD_SEX == 1, "head-sex=2" = d$HEAD_SEX == 2)
out <- data.frame()
add <- function(indicator, cell, est, se, low, high, deff) {
  out <<- rbind(out, data.frame(indicator_id = indicator, cell_key = cell, estimate = est, standard_error = se,
                                ci_low = low, ci_high = high, deff = deff))
}

for (cell in names(cells)) {
  des$variables$in_cell <- cells[[cell]]

  # coop-member: proportion of COOP == 1; logit interval (svyciprop method "logit") with the full design's df.
  sub <- subset(des, in_cell)
  m <- svymean(~I(COOP == 1), sub, deff = TRUE)
  ci <- svyciprop(~I(COOP == 1), sub, method = "logit", df = df)
  add("coop-member", cell, coef(m)[[2]], SE(m)[[2]], confint(ci)[1], confint(ci)[2], deff(m)[[2]])

  # hectares-mean: mean of HECTARES over those who answered (a blank is left out); estimate +- t * SE.
  sub <- subset(des, in_cell & !is.na(HECTARES))
  m <- svymean(~HECTARES, sub, deff = TRUE)
  add("hectares-mean", cell, coef(m)[[1]], SE(m)[[1]], coef(m)[[1]] - t * SE(m)[[1]], coef(m)[[1]] + t * SE(m)[[1]], deff(m)[[1]])

  # income-total: total of INCOME without the "don't know" code 99999; estimate +- t * SE.
  sub <- subset(des, in_cell & INCOME != 99999)
  m <- svytotal(~INCOME, sub, deff = TRUE)
  add("income-total", cell, coef(m)[[1]], SE(m)[[1]], coef(m)[[1]] - t * SE(m)[[1]], coef(m)[[1]] + t * SE(m)[[1]], deff(m)[[1]])
}

cat(sprintf("# %s; survey %s; computed %s\n", R.version.string, packageVersion("survey"), format(Sys.Date())))
write.csv(format(out, digits = 17, trim = TRUE), stdout(), row.names = FALSE, quote = FALSE)
