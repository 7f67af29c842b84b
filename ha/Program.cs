// istore-ha: work in progress.
return 0;
