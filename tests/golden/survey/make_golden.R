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

# Supplied replicate weights by declared type (R: svrepdesign(type =)). The replicate weights are
# made here from data.csv and written out (data_repweights.csv), then read back as supplied
# replicate weights and estimated with svrepdesign(type = ...), as papikit does with
# Design(replicate_weights=..., replicate_type=...):
# * JK1: delete-one-PSU jackknife of the unstratified cluster design (PSU = stratum x psu);
# * BRR and Fay (rho = 0.5): balanced repeated replication of a two-PSU-per-stratum design (PSUs
#   of a stratum folded into two: odd and even psu numbers).
# Writes golden_repweights.csv (province means and SEs of y1, y2, y3 by type).
d <- read.csv("data.csv")
d$cluster <- d$stratum * 10 + d$psu
d$half <- 2 - d$psu %% 2
rep_cols <- function(des, prefix) {
  w <- weights(des, type = "analysis")
  colnames(w) <- sprintf("%s_%02d", prefix, seq_len(ncol(w)))
  w
}
jk1 <- as.svrepdesign(svydesign(ids = ~cluster, weights = ~weight, data = d), type = "JK1")
brr <- as.svrepdesign(svydesign(ids = ~half, strata = ~stratum, weights = ~weight, data = d,
                                nest = TRUE), type = "BRR")
fay <- as.svrepdesign(svydesign(ids = ~half, strata = ~stratum, weights = ~weight, data = d,
                                nest = TRUE), type = "Fay", fay.rho = 0.5)
w_jk1 <- rep_cols(jk1, "jk1")
w_brr <- rep_cols(brr, "brr")
w_fay <- rep_cols(fay, "fay")
rw <- cbind(d[, c("province", "weight", "y1", "y2", "y3")], w_jk1, w_brr, w_fay)
fmt <- rw
for (cn in c(colnames(w_jk1), colnames(w_brr), colnames(w_fay))) fmt[[cn]] <- sprintf("%.17g", rw[[cn]])
write.csv(fmt, "data_repweights.csv", row.names = FALSE, na = "", quote = FALSE)

rw <- read.csv("data_repweights.csv")
out <- list()
add_rep <- function(label, cols, type, ...) {
  des <- svrepdesign(data = rw, repweights = rw[, cols], weights = ~weight, type = type,
                     combined.weights = TRUE, ...)
  for (it in c("y1", "y2", "y3")) {
    r <- svyby(as.formula(paste0("~", it)), ~province, des, svymean, na.rm = TRUE)
    out[[length(out) + 1]] <<- data.frame(type = label, province = r$province, item = it,
                                          mean = r[[it]], se = SE(r))
  }
}
add_rep("JK1", colnames(w_jk1), "JK1")
add_rep("BRR", colnames(w_brr), "BRR")
add_rep("Fay", colnames(w_fay), "Fay", rho = 0.5)
res <- do.call(rbind, out)
res$mean <- sprintf("%.17g", res$mean)
res$se <- sprintf("%.17g", res$se)
write.csv(res, "golden_repweights.csv", row.names = FALSE, quote = FALSE)
cat("replicate weights: JK1", ncol(w_jk1), "BRR", ncol(w_brr), "Fay", ncol(w_fay), "columns\n")
