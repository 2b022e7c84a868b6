"""govreport: Chinese government work reports -> indicator facts warehouse."""
