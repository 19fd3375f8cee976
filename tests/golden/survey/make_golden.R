# Golden values for papikit's survey estimator, computed with R `survey` (Lumley).
# Run from this folder:  Rscript make_golden.R
# Writes data.csv (the small committed dataset, generated here with a fixed seed) and
# golden_means.csv (province means and SEs of y1, y2, y3 by design variant).
#
# Dataset: 5 strata with 2, 3, 4, 3 and 2 PSUs (PSU labels restart in each stratum: nest = TRUE),
# 4 provinces (GSO codes 1, 46, 66, 79) that cut across strata and PSUs, unequal weights, y1
# continuous, y2 binary with missing values, y3 a 1-5 scale with missing values. A variant where
# stratum 5 keeps only one PSU (PSU 2 moved into PSU 1) tests single-PSU strata.
suppressPackageStartupMessages(library(survey))
set.seed(20231)
strata_psus <- c(2, 3, 4, 3, 2)
rows <- list()
for (h in seq_along(strata_psus)) {
  for (j in seq_len(strata_psus[h])) {
    n <- sample(6:14, 1)
    rows[[length(rows) + 1]] <- data.frame(
      stratum = h, psu = j,
      province = sample(c(1, 46, 66, 79), n, replace = TRUE, prob = c(0.4, 0.2, 0.25, 0.15)),
      weight = round(runif(n, 0.5, 4), 3),
      y1 = round(rnorm(n, 50 + 3 * h + 2 * j, 10), 2),
      y2 = rbinom(n, 1, 0.3 + 0.05 * h),
      y3 = sample(1:5, n, replace = TRUE)
    )
  }
}
d <- do.call(rbind, rows)
d$y2[sample(nrow(d), 12)] <- NA
d$y3[sample(nrow(d), 8)] <- NA
d$fpc <- c(10, 12, 9, 20, 5)[d$stratum]
d$psu_lonely <- ifelse(d$stratum == 5, 1, d$psu)
write.csv(d, "data.csv", row.names = FALSE, na = "")

d <- read.csv("data.csv")
out <- list()
add <- function(label, des) {
  for (it in c("y1", "y2", "y3")) {
    r <- svyby(as.formula(paste0("~", it)), ~province, des, svymean, na.rm = TRUE)
    out[[length(out) + 1]] <<- data.frame(design = label, province = r$province, item = it,
                                          mean = r[[it]], se = SE(r))
  }
}
options(survey.lonely.psu = "fail")
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
add("taylor", des)
add("taylor_fpc", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc,
                           data = d, nest = TRUE))
add("jkn", as.svrepdesign(des, type = "JKn", mse = TRUE))
options(survey.lonely.psu = "adjust")
add("taylor_lonely_adjust", svydesign(ids = ~psu_lonely, strata = ~stratum, weights = ~weight,
                                     data = d, nest = TRUE))
options(survey.lonely.psu = "certainty")
add("taylor_lonely_certainty", svydesign(ids = ~psu_lonely, strata = ~stratum, weights = ~weight,
                                        data = d, nest = TRUE))
res <- do.call(rbind, out)
res$mean <- sprintf("%.17g", res$mean)
res$se <- sprintf("%.17g", res$se)
write.csv(res, "golden_means.csv", row.names = FALSE, quote = FALSE)
cat("survey", as.character(packageVersion("survey")), "on", R.version.string, "\n")
