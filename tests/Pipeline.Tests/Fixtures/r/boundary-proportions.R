# Intervals of a proportion of 0% or 100%, where R survey's svyciprop gives NaN for every method but "mean" (which gives
# [0, 0]): Korn and Graubard's interval, R's svyciprop(method = "beta") code below with its one undefined quantity,
# the effective sample size p(1 - p)/V = 0/0, set to the number of respondents (Korn and Graubard 1998; SAS SURVEYFREQ;
# NCHS presentation standards). The script checks that kg() is svyciprop(method = "beta") where that is defined, and
# plain Clopper-Pearson (binom.test) for a domain in one stratum. Run: Rscript tests/Pipeline.Tests/Fixtures/r/boundary-proportions.R
# Output with R 4.2.2, survey 4.1.1 (2026-12-03), pasted into StratifiedRatioTests:
#   zero-in-two-strata n 12 low 0 high 0.27023914830759688
#   all-in-one-stratum n 5 low 0.47817624989501861 high 1
#   zero-whole-design n 23 low 0 high 0.14978121567641078
suppressPackageStartupMessages(library(survey))
d <- data.frame(
  s = rep(c("a", "b", "c"), c(8, 12, 3)),
  N = rep(c(400, 900, 50), c(8, 12, 3)),
  dom = c(1, 1, 1, 1, 1, 0, 0, 0,  1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,  0, 0, 0),
  yes = c(1, 1, 1, 1, 1, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0),
  mixed = c(1, 0, 1, 0, 1, 1, 0, 0,  0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0,  1, 0, 0))
d$y0 <- 0
des <- svydesign(ids = ~1, strata = ~s, fpc = ~N, data = d)

kg <- function(formula, design, level = 0.95) {
  m <- svymean(formula, design)
  p <- coef(m)[1]; v <- vcov(m)[1, 1]
  n.eff <- if (v > 0) p * (1 - p) / v else nrow(design) # R: coef(m) * (1 - coef(m)) / vcov(m)
  alpha <- 1 - level
  n.eff <- n.eff * (qt(alpha / 2, nrow(design) - 1) / qt(alpha / 2, degf(design)))^2
  c(qbeta(alpha / 2, n.eff * p, n.eff * (1 - p) + 1), qbeta(1 - alpha / 2, n.eff * p + 1, n.eff * (1 - p)))
}

# kg() is svyciprop(method = "beta") wherever that is defined ...
stopifnot(isTRUE(all.equal(unname(kg(~mixed, des)), unname(as.vector(confint(svyciprop(~mixed, des, method = "beta")))), tolerance = 1e-12)))
# ... and Clopper-Pearson where the design is one stratum (the df adjustment is then 1).
one <- subset(des, s == "a" & dom == 1)
stopifnot(isTRUE(all.equal(unname(kg(~yes, one)), binom.test(5, 5)$conf.int[1:2], tolerance = 1e-12)))

show <- function(name, formula, design) {
  ci <- kg(formula, design)
  cat(name, "n", nrow(design), "low", format(ci[1], digits = 17), "high", format(ci[2], digits = 17), "\n")
}
show("zero-in-two-strata", ~y0, subset(des, dom == 1))
show("all-in-one-stratum", ~yes, subset(des, yes == 1))
show("zero-whole-design", ~y0, des)
